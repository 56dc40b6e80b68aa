#!/usr/bin/env bash
# The scale and soak benchmark. Options: --parts many,soak,flood,junk, --tunnels, --connected-s,
# --coalesce-list, --cycles, --soak-budget-s, --flood-s, --flood-verb, --junk-s,
# --pid-queries. Starts openvpn on loopback only; needs root (the pull clients open tun devices).
exec "$(dirname "$0")/../build-and-run.sh" scale "$@"
