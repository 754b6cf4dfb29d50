#!/usr/bin/env bash
# Runs the JVM connector's JUnit tests (Maven Surefire, `mvn test`), compiled against the same
# Spark jars as build.sh (the pinned Spark, see there): the frame encoding and the offsets against
# docs/wire-vectors.json (shared with the TypeScript tests), ArrowBatchEncoder, ArrowSchemas, and
# SparkCompatTest (the connector links against this Spark). No Spark session is started.
# The tests run on the pinned Spark's jars, or on another cached Spark's with DRLS_SPARK_VERSION
# (e.g. DRLS_SPARK_VERSION=4.3.0): one connector jar serves every Spark 4.x, and this shows it.
# Prints each test class's result and failures, then Surefire's summary as its last line:
#   Tests run: X, Failures: Y, Errors: Z, Skipped: W
# Extra arguments go to Maven (e.g. -Dtest=FrameVectorsTest). The full Maven log is kept in
# target/test.log. Exits non-zero when a test or the build fails.
set -uo pipefail
cd "$(dirname "$0")"

say() { printf '[drls] %s\n' "$*" >&2; }
die() { printf '[drls] error: %s\n' "$*" >&2; exit 1; }

command -v java >/dev/null 2>&1 || die "java not found on PATH: the JVM connector needs a JDK 17"
command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH: the JVM connector is built with Maven 3"

# The Spark compiled against, exactly as build.sh chooses it.
out=$(bash build.sh --maven-args) || exit 1
mapfile -t args <<<"$out"
build_version=${args[0]#-Dspark.version=}
jars_dir=
for a in "${args[@]}"; do
  case $a in -Dspark.jars.dir=*) jars_dir=${a#-Dspark.jars.dir=} ;; esac
done

# The Spark the tests run on.
version=${DRLS_SPARK_VERSION:-$build_version}
if [ "$version" != "$build_version" ]; then
  [[ $version =~ ^4\.[0-9]+\.[0-9]+$ ]] || die "DRLS_SPARK_VERSION must be a Spark 4 release such as 4.0.5, got \"$version\""
  [ -n "$jars_dir" ] || die "testing on Spark $version needs the jars of Spark $build_version in the cache to compile against"
  test_jars=${DRLS_CACHE_DIR:-$HOME/.cache/drls}/spark-$version/jars
  [ -f "$test_jars/spark-sql_2.13-$version.jar" ] || die "Spark $version is not in the cache ($test_jars): set it up first (initSpark({ sparkVersion: '$version' }) or npm run test:matrix do)"
  args+=("-Ddrls.test.jars.dir=$test_jars" "-Ddrls.test.sparkVersion=$version")
  say "testing the JVM connector, compiled against Spark $build_version, on the Spark $version jars in $test_jars"
elif [ -n "$jars_dir" ]; then
  say "testing the JVM connector against the Spark $version jars in $jars_dir"
else
  say "testing the JVM connector (Spark $version resolved from Maven Central)"
fi
args=(-B "${args[@]}")

# Classes compiled against another Spark than build.sh's last build are thrown away first.
stamp=target/spark-build-args
if [ -f "$stamp" ] && [ "$(cat "$stamp")" != "${out//$'\n'/ }" ]; then
  mvn -B -q "${args[@]}" clean </dev/null >/dev/null 2>&1 || die "mvn clean failed"
fi

mkdir -p target
log=target/test.log
start=$SECONDS
mvn "${args[@]}" "$@" test </dev/null 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >"$log"
status=${PIPESTATUS[0]}

# Each class's line, the failures Surefire lists, then its summary (the Results section's line).
grep -E '^\[(INFO|WARNING|ERROR)\] (Tests run:|Running |  [A-Za-z]|Failures:|Errors:)' "$log" \
  | grep -vE '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' \
  | sed -E 's/^\[(INFO|WARNING|ERROR)\] //'
summary=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log" \
  | tail -n 1 | sed -E 's/^\[(INFO|WARNING|ERROR)\] //')
if [ -z "$summary" ]; then
  # No summary: the build failed before or while running the tests. Show why.
  tail -n 40 "$log" >&2
  say "Maven test run of bridge/jvm failed without a test summary (full log: $PWD/$log)"
  exit 1
fi
say "JVM connector tests took $((SECONDS - start)) s (full log: $PWD/$log)"
echo "$summary"
exit "$status"
