#!/usr/bin/env bash
# Builds one benchmark suite (bench/<suite>/*.ts and the src/ and test support files they
# import) into a temporary directory and runs its main.js with the remaining arguments.
# Node 20 cannot run TypeScript itself. BENCH_NODE_FLAGS adds node flags, e.g.
# BENCH_NODE_FLAGS=--cpu-prof. The temporary directory is removed on exit.
set -euo pipefail
suite="$1"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d "${TMPDIR:-/tmp}/rx-openvpn-bench-${suite}.XXXXXX")"
trap 'rm -rf "$out"' EXIT

npx --prefix "$root" tsc -p "$root/bench/$suite/tsconfig.json" --outDir "$out"
# The emitted files are ESM and import their dependencies from the project's node_modules.
printf '{ "type": "module" }\n' >"$out/package.json"
ln -s "$root/node_modules" "$out/node_modules"

# shellcheck disable=SC2086 # BENCH_NODE_FLAGS is a list of flags.
node --expose-gc ${BENCH_NODE_FLAGS:-} "$out/bench/$suite/main.js" "$@"
