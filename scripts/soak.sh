#!/usr/bin/env bash
# Soak test (docs/RELIABILITY.md): builds refpointd and bench_soak, then runs refpointd under a
# bounded mixed load for SECONDS (default 1800) while restarting it at random (SIGKILL or
# SIGTERM), and checks the invariants afterwards. Further arguments go to bench_soak
# (--workers, --subscribers, --systems, --pause-ms, --restart-min, --restart-max, --seed, --out).
# Fails when an invariant is broken. Loopback only.
# Usage: scripts/soak.sh [SECONDS] [bench_soak options...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-1800}"
shift || true
"$root/scripts/setup.sh" >/dev/null
"$root/scripts/build.sh" --target refpointd bench_soak >/dev/null
exec "${REFPOINT_BUILD_DIR:-$root/build}/bin/bench_soak" --duration "$seconds" "$@"
