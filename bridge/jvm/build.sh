#!/usr/bin/env bash
# Builds bridge/jvm/target/drls-connector.jar, the Spark DataSource "drls", and compiles the test
# sources (target/test-classes), which hold the benchmark's WireBench; the tests themselves are
# run by test.sh, not here.
# Idempotent: skips the build when the jar is newer than pom.xml and every source file (main and
# test) and WireBench is compiled.
# Compiles against an unpacked Spark's jars when one is found (DRLS_SPARK_JARS, or the project's
# Spark cache), which needs no Spark download; otherwise Maven resolves Spark from Maven Central.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '[drls] %s\n' "$*" >&2; }
die() { printf '[drls] error: %s\n' "$*" >&2; exit 1; }

jar=target/drls-connector.jar
bench=target/test-classes/io/drls/spark/WireBench.class

if [ -f "$jar" ] && [ -f "$bench" ] && [ -z "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  say "JVM connector is up to date ($PWD/$jar)"
  exit 0
fi

command -v java >/dev/null 2>&1 || die "java not found on PATH: the JVM connector needs a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless)"
command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH: the JVM connector is built with Maven 3 (e.g. apt-get install maven)"

spark_jars=${DRLS_SPARK_JARS:-${DRLS_CACHE_DIR:-$HOME/.cache/drls}/spark-4.1.1/jars}
# -DskipTests still compiles src/test/java (WireBench for `npm run bench`); test.sh runs the tests.
args=(-B -q -DskipTests)
if [ -f "$spark_jars/spark-sql_2.13-4.1.1.jar" ]; then
  say "building the JVM connector against the Spark jars in $spark_jars"
  args+=("-Dspark.jars.dir=$spark_jars")
else
  say "building the JVM connector (Spark 4.1.1 resolved from Maven Central; the first build downloads ~300 MB)"
fi

start=$SECONDS
# Maven prints colour resets even in batch mode; strip them so logs stay plain.
if ! mvn "${args[@]}" package </dev/null 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2; then
  die "Maven build of bridge/jvm failed (see the output above)"
fi
[ -f "$jar" ] || die "Maven finished but $jar is missing"
[ -f "$bench" ] || die "Maven finished but $bench is missing"
# package may leave the jar older than a test source it did not need to recompile; the check
# above compares against the jar.
touch "$jar"
say "built $PWD/$jar in $((SECONDS - start)) s"
