#!/usr/bin/env bash
# One entry point for the README's commands. Each sets up what it needs, idempotently:
# npm packages, then (for anything touching Spark) the pinned Spark and the JVM connector.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[drls] %s\n' "$*" >&2; }

ensure_node_modules() {
  # npm ci only when package-lock.json changed since the last install.
  local stamp=node_modules/.drls-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >&2
    cp package-lock.json "$stamp"
  fi
}

ensure_spark() {
  node --import tsx bridge/spark/cli.ts setup
  # Spark's built-in function list, read from the pinned Spark's registry (gitignored output).
  node --import tsx scripts/gen-spark-functions.ts
  if [ -f bridge/jvm/build.sh ]; then
    bash bridge/jvm/build.sh
  fi
}

cmd=${1:-}
shift || true
case "$cmd" in
  setup)
    ensure_node_modules
    ensure_spark
    ;;
  test)
    ensure_node_modules
    ensure_spark
    say "type-checking"
    npx tsc -p tsconfig.json --noEmit
    say "running tests"
    node --import tsx scripts/run-tests.ts "$@"
    ;;
  demo)
    ensure_node_modules
    ensure_spark
    node --import tsx examples/demo.ts "$@"
    ;;
  bench)
    ensure_node_modules
    ensure_spark
    node --expose-gc --import tsx bench/index.ts "$@"
    ;;
  *)
    echo "usage: scripts/dev.sh {setup|test|demo|bench}" >&2
    exit 2
    ;;
esac
