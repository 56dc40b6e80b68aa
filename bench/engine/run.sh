#!/usr/bin/env bash
# The engine benchmark. Options: --parts latency,tunnels,cpu, --samples, --poll-samples,
# --spacing-ms, --warmup, --reps, --idle-s, --seed, --status-poll-ms. Starts openvpn on
# loopback only; needs root (the pull client opens a tun device).
exec "$(dirname "$0")/../build-and-run.sh" engine "$@"
