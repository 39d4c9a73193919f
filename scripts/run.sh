#!/usr/bin/env bash
# Installs what is missing, builds, and starts refpointd with the default config and a
# demo inventory. Extra arguments are passed to refpointd (e.g. --listen 127.0.0.1:9090).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "$root"
exec "$root/build/bin/refpointd" --config configs/refpointd.toml \
  --inventory configs/demo-inventory.json "$@"
