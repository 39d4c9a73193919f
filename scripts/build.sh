#!/usr/bin/env bash
# Configures and builds refpoint into build/ (binaries in build/bin/).
# Usage: scripts/build.sh [extra cmake --build args]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${REFPOINT_BUILD_DIR:-$root/build}"
generator=()
if command -v ninja >/dev/null 2>&1 && [ ! -f "$build_dir/Makefile" ]; then
  generator=(-G Ninja)
fi
cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)" "$@"
