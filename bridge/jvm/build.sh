#!/usr/bin/env bash
# Builds bridge/jvm/target/drls-connector.jar, the Spark DataSource "drls", and compiles the test
# sources (target/test-classes), which hold the benchmark's WireBench; the tests themselves are
# run by test.sh, not here.
#
# One jar serves every Spark 4.x: where Spark's APIs differ between versions the connector picks
# the right one at run time (SparkArrowSchema), so it is compiled against one Spark only: the
# pinned one, SPARK_VERSION in bridge/spark/version.ts (the one place it is written), or
# DRLS_SPARK_BUILD_VERSION to compile against another one in the cache (e.g. to check the oldest).
# Its jars come from that Spark's cache, <DRLS_CACHE_DIR or ~/.cache/drls>/spark-<version>/jars
# (or DRLS_SPARK_JARS, a folder of some Spark's jars), which needs no Spark download; without
# them Maven resolves that Spark from Maven Central.
#
# Idempotent: skips the build when the jar is newer than pom.xml and every source file (main and
# test), WireBench is compiled, and the jar was built against the same Spark jars.
#
# `build.sh --maven-args` prints, one per line, the Maven arguments that select those Spark jars,
# and exits; test.sh compiles with them too.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '[drls] %s\n' "$*" >&2; }
die() { printf '[drls] error: %s\n' "$*" >&2; exit 1; }

# The version in <dir>/<artifact>-<version>.jar (the first, should there be several).
jar_version() {
  local name
  name=$(find "$1" -maxdepth 1 -name "$2-[0-9]*.jar" -printf '%f\n' | sort | head -n 1)
  [ -n "$name" ] || return 1
  name=${name#"$2-"}
  printf '%s\n' "${name%.jar}"
}

pinned=$(sed -n "s/^export const SPARK_VERSION = '\([^']*\)';.*/\1/p" ../spark/version.ts)
[ -n "$pinned" ] || die "cannot read SPARK_VERSION from $(cd ../spark && pwd)/version.ts"
cache=${DRLS_CACHE_DIR:-$HOME/.cache/drls}

# Maven arguments for compiling against one Spark, one per line; the Spark's version is the first
# line's value. Every jar the pom names is looked up with the version this Spark ships.
maven_args() {
  local version jars
  if [ -n "${DRLS_SPARK_JARS:-}" ]; then
    jars=$DRLS_SPARK_JARS
    version=$(jar_version "$jars" spark-sql_2.13) || die "DRLS_SPARK_JARS=$jars holds no spark-sql_2.13-<version>.jar"
  else
    version=${DRLS_SPARK_BUILD_VERSION:-$pinned}
    jars=$cache/spark-$version/jars
  fi
  echo "-Dspark.version=$version"
  if [ -f "$jars/spark-sql_2.13-$version.jar" ]; then
    echo "-Dspark.jars.dir=$jars"
    local artifact property v
    for pair in scala-library:scala.version arrow-vector:arrow.version jackson-databind:jackson.databind.version \
      jackson-core:jackson.core.version jackson-annotations:jackson.annotations.version slf4j-api:slf4j.version \
      kryo-shaded:kryo.version hadoop-client-api:hadoop.version; do
      artifact=${pair%%:*} property=${pair#*:}
      v=$(jar_version "$jars" "$artifact") || die "$jars holds no $artifact jar"
      echo "-D$property=$v"
    done
  elif [ "$version" != "$pinned" ]; then
    die "Spark $version is not in the cache ($jars): set it up first (initSpark({ sparkVersion: '$version' }) or npm run test:matrix do)"
  fi
}

if [ "${1:-}" = "--maven-args" ]; then
  maven_args
  exit 0
fi

out=$(maven_args)
mapfile -t spark_args <<<"$out"
version=${spark_args[0]#-Dspark.version=}
jars_dir=
for a in "${spark_args[@]}"; do
  case $a in -Dspark.jars.dir=*) jars_dir=${a#-Dspark.jars.dir=} ;; esac
done

jar=target/drls-connector.jar
bench=target/test-classes/io/drls/spark/WireBench.class
# What the jar was compiled against: another Spark means a clean rebuild.
stamp=target/spark-build-args
if [ -f "$jar" ] && [ -f "$bench" ] && [ -z "$(find pom.xml src -newer "$jar" -print -quit)" ] \
  && [ "$(cat "$stamp" 2>/dev/null)" = "${spark_args[*]}" ]; then
  say "JVM connector is up to date ($PWD/$jar)"
  exit 0
fi

command -v java >/dev/null 2>&1 || die "java not found on PATH: the JVM connector needs a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless)"
command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH: the JVM connector is built with Maven 3 (e.g. apt-get install maven)"

# -DskipTests still compiles src/test/java (WireBench for `npm run bench`); test.sh runs the tests.
args=(-B -q -DskipTests "${spark_args[@]}")
goals=(package)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" != "${spark_args[*]}" ]; then goals=(clean package); fi
if [ -n "$jars_dir" ]; then
  say "building the JVM connector against the Spark $version jars in $jars_dir"
else
  say "building the JVM connector (Spark $version resolved from Maven Central; the first build downloads ~300 MB)"
fi

start=$SECONDS
# Maven prints colour resets even in batch mode; strip them so logs stay plain.
if ! mvn "${args[@]}" "${goals[@]}" </dev/null 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2; then
  die "Maven build of bridge/jvm failed (see the output above)"
fi
[ -f "$jar" ] || die "Maven finished but $jar is missing"
[ -f "$bench" ] || die "Maven finished but $bench is missing"
# package may leave the jar older than a test source it did not need to recompile; the check
# above compares against the jar.
touch "$jar"
printf '%s\n' "${spark_args[*]}" >"$stamp"
say "built $PWD/$jar in $((SECONDS - start)) s"
