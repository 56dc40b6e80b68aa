#!/usr/bin/env bash
# Builds the engine benchmark (with the src/ and lab files it imports) into a temporary directory
# and runs it. Arguments go to main.ts (--parts, --samples, --poll-samples, --spacing-ms, --reps,
# --idle-s, --seed, --status-poll-ms); BENCH_NODE_FLAGS adds node flags, e.g.
# BENCH_NODE_FLAGS=--trace-gc.
# Starts openvpn on loopback only; needs root (the pull client opens a tun device).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d "${TMPDIR:-/tmp}/rx-openvpn-bench.XXXXXX")"
trap 'rm -rf "$out"' EXIT

npx --prefix "$root" tsc -p "$root/bench/engine/tsconfig.json" --outDir "$out"
# The emitted files are ESM and import rxjs, fp-ts, execa and ps-list from the project.
printf '{ "type": "module" }\n' >"$out/package.json"
ln -s "$root/node_modules" "$out/node_modules"

# shellcheck disable=SC2086 # BENCH_NODE_FLAGS is a list of flags.
node --expose-gc ${BENCH_NODE_FLAGS:-} "$out/bench/engine/main.js" "$@"
