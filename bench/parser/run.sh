#!/usr/bin/env bash
# Builds the parser benchmark (and the src/ files it imports) into a temporary directory and runs
# it. Arguments go to main.ts (--megabytes, --runs, --warmup, --seed, --heap-notifications,
# --contenders); BENCH_NODE_FLAGS adds node flags, e.g. BENCH_NODE_FLAGS=--cpu-prof.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d "${TMPDIR:-/tmp}/rx-openvpn-bench.XXXXXX")"
trap 'rm -rf "$out"' EXIT

npx --prefix "$root" tsc -p "$root/bench/parser/tsconfig.json" --outDir "$out"
# The emitted files are ESM and import rxjs, fp-ts and telnet-openvpn from the project.
printf '{ "type": "module" }\n' >"$out/package.json"
ln -s "$root/node_modules" "$out/node_modules"

# shellcheck disable=SC2086 # BENCH_NODE_FLAGS is a list of flags.
node --expose-gc ${BENCH_NODE_FLAGS:-} "$out/bench/parser/main.js" "$@"
