#!/usr/bin/env bash
# The codec fuzzer. Options: --inputs, --seed, --max-input-ms. Exits 1 on any finding.
exec "$(dirname "$0")/../build-and-run.sh" fuzz "$@"
