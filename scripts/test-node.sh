#!/usr/bin/env bash
# `npm run test:node`: the whole suite on each Node LTS line other than the machine's, with
# official binaries fetched into the cache by scripts/node-lts.sh. Ends with one line per Node.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/dev.sh setup || exit 1
majors=${DRLS_NODE_MAJORS:-22 24}
summary=()
status=0
for major in $majors; do
  node_bin=$(bash scripts/node-lts.sh path "$major") || { summary+=("node $major: could not be fetched"); status=1; continue; }
  version=$("$node_bin" --version)
  printf '\n[drls] === the suite on Node %s (%s) ===\n' "$version" "$node_bin" >&2
  # Everything the suite starts (uvu, worker threads, child Nodes) runs on process.execPath.
  out=$(PATH="$(dirname "$node_bin"):$PATH" "$node_bin" --import tsx scripts/run-tests.ts "$@" | tee /dev/stderr | tail -n 1)
  rc=${PIPESTATUS[0]}
  summary+=("node $version: $out")
  [ "$rc" -eq 0 ] || status=1
done
printf '\n'
printf '%s\n' "${summary[@]}"
exit $status
