#!/usr/bin/env bash
# The parser benchmark. Options: --megabytes, --runs, --warmup, --seed, --heap-notifications,
# --contenders.
exec "$(dirname "$0")/../build-and-run.sh" parser "$@"
