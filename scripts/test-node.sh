#!/usr/bin/env bash
# `npm run test:node`: the whole suite on each Node LTS line other than the machine's, with
# official binaries fetched into the cache by scripts/node-lts.sh. Ends with one line per Node,
# naming the log of that run (under <cache>/logs).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/dev.sh setup || exit 1
majors=${DRLS_NODE_MAJORS:-22 24}
logs=${DRLS_CACHE_DIR:-$HOME/.cache/drls}/logs
mkdir -p "$logs" || exit 1
summary=()
status=0
for major in $majors; do
  node_bin=$(bash scripts/node-lts.sh path "$major") || { summary+=("node $major: could not be fetched"); status=1; continue; }
  version=$("$node_bin" --version)
  log="$logs/test-node-$version-$(date -u +%Y-%m-%dT%H-%M-%SZ).log"
  printf '\n[drls] === the suite on Node %s (%s), log %s ===\n' "$version" "$node_bin" "$log" >&2
  # Everything the suite starts (uvu, worker threads, child Nodes) runs on process.execPath. The
  # output goes to stderr as it comes and to this run's log, whose last line (`N passed, N failed`)
  # the summary takes (pipefail, set above: rc is the suite's own exit status).
  PATH="$(dirname "$node_bin"):$PATH" "$node_bin" --import tsx scripts/run-tests.ts "$@" | tee "$log" >&2
  rc=$?
  summary+=("node $version: $(tail -n 1 "$log") (log: $log)")
  [ "$rc" -eq 0 ] || status=1
done
printf '\n'
printf '%s\n' "${summary[@]}"
exit $status
