#!/usr/bin/env bash
# The scale and soak benchmark. Options: --parts many,soak,flood, --tunnels, --connected-s,
# --coalesce-list, --cycles, --soak-budget-s, --flood-s, --flood-verb. Starts openvpn on
# loopback only; needs root (the pull clients open tun devices).
exec "$(dirname "$0")/../build-and-run.sh" scale "$@"
