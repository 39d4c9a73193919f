#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang 14, with AddressSanitizer and
# UndefinedBehaviorSanitizer) into build-fuzz/ and runs each for SECONDS (default 60),
# starting from its seed corpus in tests/fuzz/corpus/TARGET. New inputs go to a scratch
# corpus, never into the repository. A crash, or an input running over 30 s, stops the run: the
# input is saved as build-fuzz/crash-TARGET-* and the script fails; make it a regression test.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(object_path settings cim_calls rest_bodies cursors http_router)

"$root/scripts/setup.sh" >/dev/null
build="${REFPOINT_FUZZ_BUILD_DIR:-$root/build-fuzz}"
# -O1 and line tables only: quicker to build than -O2 -g, and stacks still name lines.
CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DREFPOINT_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null

scratch="$(mktemp -d /tmp/refpoint-fuzz.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  log="$scratch/$t.log"
  if ! "$build/bin/fuzz_$t" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$build/crash-$t-" "$scratch/$t" "$root/tests/fuzz/corpus/$t" \
    >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz: $t failed; the input is in $build/crash-$t-*" >&2
    exit 1
  fi
  runs="$(awk '/stat::number_of_executed_units/ {print $2}' "$log")"
  echo "fuzz: $t: $runs executions in ${seconds}s, no crash"
done
