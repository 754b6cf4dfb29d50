#!/usr/bin/env bash
# `npm run bench:node`: the bench on each Node LTS line other than the machine's (default 22 and
# 24; DRLS_NODE_MAJORS="20 22 24" chooses), with official binaries fetched into the cache by
# scripts/node-lts.sh. Arguments name suites to run instead of all of them, each in a process of
# its own (a prefix of the file name, as `npm run bench <suite>` takes):
#   bash scripts/bench-node.sh node-cost latency
# Tables go to stderr as they come; the end is every target line, prefixed by its Node version.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/dev.sh setup || exit 1
majors=${DRLS_NODE_MAJORS:-22 24}
if [ $# -eq 0 ]; then suites=(''); else suites=("$@"); fi
summary=()
status=0
for major in $majors; do
  node_bin=$(bash scripts/node-lts.sh path "$major") || { summary+=("node $major: could not be fetched"); status=1; continue; }
  version=$("$node_bin" --version)
  for suite in "${suites[@]}"; do
    printf '\n[drls] === bench %s on Node %s (%s) ===\n' "${suite:-(every suite)}" "$version" "$node_bin" >&2
    # Everything the bench starts (child Nodes, worker threads, tsc for the RSS probe) runs on
    # process.execPath, so on this Node too. The output goes to stderr as it comes and to a log
    # the target lines are read from (pipefail, set above: rc is the bench's own exit status).
    log=$(mktemp)
    PATH="$(dirname "$node_bin"):$PATH" "$node_bin" --expose-gc --import tsx bench/index.ts ${suite:+"$suite"} | tee "$log" >&2
    rc=$?
    while IFS= read -r line; do summary+=("node $version: $line"); done < <(grep '^target ' "$log" || true)
    rm -f "$log"
    if [ "$rc" -ne 0 ]; then
      summary+=("node $version: bench ${suite:-(every suite)} failed (exit $rc)")
      status=1
    fi
  done
done
printf '\n'
printf '%s\n' "${summary[@]}"
exit $status
