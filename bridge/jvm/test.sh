#!/usr/bin/env bash
# Runs the JVM connector's JUnit tests (Maven Surefire, `mvn test`) against the same Spark jars
# as build.sh: the frame encoding and the offsets against docs/wire-vectors.json (shared with the
# TypeScript tests), ArrowBatchEncoder and ArrowSchemas. No Spark session is started.
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

spark_jars=${DRLS_SPARK_JARS:-${DRLS_CACHE_DIR:-$HOME/.cache/drls}/spark-4.1.1/jars}
args=(-B)
if [ -f "$spark_jars/spark-sql_2.13-4.1.1.jar" ]; then
  say "testing the JVM connector against the Spark jars in $spark_jars"
  args+=("-Dspark.jars.dir=$spark_jars")
else
  say "testing the JVM connector (Spark 4.1.1 resolved from Maven Central)"
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
