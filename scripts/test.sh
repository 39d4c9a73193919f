#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest. Then, when
# REFPOINT_FUZZ_SECONDS is set (CI sets it through CI=true: 10), runs each fuzz target that
# long from its seed corpus (scripts/fuzz.sh); and when REFPOINT_SANITIZERS lists sanitizer
# runs (CI sets it through CI=true: asan,tsan), runs the tests again under each
# (scripts/sanitize.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
(cd "${REFPOINT_BUILD_DIR:-$root/build}" && ctest --output-on-failure --timeout 300 "$@")
fuzz_seconds="${REFPOINT_FUZZ_SECONDS:-}"
[ -n "$fuzz_seconds" ] || [ "${CI:-}" != true ] || fuzz_seconds=10
if [ -n "$fuzz_seconds" ]; then
  "$root/scripts/fuzz.sh" "$fuzz_seconds"
fi
sanitizers="${REFPOINT_SANITIZERS:-}"
[ -n "$sanitizers" ] || [ "${CI:-}" != true ] || sanitizers=asan,tsan
for mode in ${sanitizers//,/ }; do
  "$root/scripts/sanitize.sh" "$mode"
done
