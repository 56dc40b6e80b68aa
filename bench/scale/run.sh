#!/usr/bin/env bash
# Builds the scale and soak benchmark (with the src/, lab and test support files it imports)
# into a temporary directory and runs it. Arguments go to main.ts (--parts many,soak,flood,
# --tunnels, --connected-s, --coalesce-list, --cycles, --soak-budget-s, --flood-s,
# --flood-verb); BENCH_NODE_FLAGS adds node flags, e.g. BENCH_NODE_FLAGS=--cpu-prof.
# Starts openvpn on loopback only; needs root (the pull clients open tun devices).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d "${TMPDIR:-/tmp}/rx-openvpn-bench.XXXXXX")"
trap 'rm -rf "$out"' EXIT

npx --prefix "$root" tsc -p "$root/bench/scale/tsconfig.json" --outDir "$out"
# The emitted files are ESM and import rxjs, fp-ts, execa and ps-list from the project.
printf '{ "type": "module" }\n' >"$out/package.json"
ln -s "$root/node_modules" "$out/node_modules"

# shellcheck disable=SC2086 # BENCH_NODE_FLAGS is a list of flags.
node --expose-gc ${BENCH_NODE_FLAGS:-} "$out/bench/scale/main.js" "$@"
