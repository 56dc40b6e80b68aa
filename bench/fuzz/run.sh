#!/usr/bin/env bash
# Builds the fuzzer (and the src/ files it imports) into a temporary directory and runs it.
# Arguments go to main.ts (--inputs, --seed, --max-input-ms); BENCH_NODE_FLAGS adds node flags.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d "${TMPDIR:-/tmp}/rx-openvpn-fuzz.XXXXXX")"
trap 'rm -rf "$out"' EXIT

npx --prefix "$root" tsc -p "$root/bench/fuzz/tsconfig.json" --outDir "$out"
# The emitted files are ESM and import rxjs and fp-ts from the project.
printf '{ "type": "module" }\n' >"$out/package.json"
ln -s "$root/node_modules" "$out/node_modules"

# shellcheck disable=SC2086 # BENCH_NODE_FLAGS is a list of flags.
node ${BENCH_NODE_FLAGS:-} "$out/bench/fuzz/main.js" "$@"
