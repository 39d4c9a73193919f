#!/usr/bin/env bash
# Builds refpoint with sanitizers into a directory of its own and runs tests there:
#   asan  AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer, in build-asan/:
#         every test binary, refpointd, refpoint and the soak driver (tests start them); every
#         test.
#   tsan  ThreadSanitizer, in build-tsan/: the tests of the actors (persistence/ and actors/),
#         of the web layer and, end to end, of refpointd (tests/app: its gateway, actors and
#         cluster links, with the refpointd and refpoint they start).
# The first report stops the program that makes it, with a non-zero exit code. Every report
# also lands in BUILD/sanitizer-reports/, from the tests and from the processes they start (a
# refpointd whose report no test saw): any file there fails the run, even when every test
# passed. A process a test kills with SIGKILL on purpose reports nothing. No report is
# suppressed.
# Usage: scripts/sanitize.sh asan|tsan [ctest args...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-}"
shift || true
case "$mode" in
asan)
  sanitizers=address,undefined
  targets=(protocol_tests persistence_tests actors_tests web_tests app_tests cli_tests
    refpointd refpoint bench_soak)
  test_dirs=(.)
  ;;
tsan)
  sanitizers=thread
  targets=(persistence_tests actors_tests web_tests app_tests refpointd refpoint)
  test_dirs=(tests/persistence tests/actors tests/web tests/app)
  ;;
*)
  echo "usage: scripts/sanitize.sh asan|tsan [ctest args...]" >&2
  exit 2
  ;;
esac

"$root/scripts/setup.sh" >/dev/null
build="${REFPOINT_SANITIZE_BUILD_DIR:-$root/build-$mode}"
reports="$build/sanitizer-reports"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:check_initialization_order=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan"
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# -O1 and line tables only: much quicker to build than -O2 -g, and stacks still name lines.
flags=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" "${launcher[@]}")

# ThreadSanitizer sees only instrumented code. Debian's CAF is not: the hand-offs inside its
# scheduler and mailboxes are invisible, and every message and every spawned actor's state
# would be reported as a race. So the tsan run builds CAF itself, instrumented, once per build
# directory, from the upstream source in Debian's package (fetched with apt-get through a source
# list of its own, leaving the system's alone, and checked by its hash: the same 0.17.6).
caf_version=0.17.6
caf_sha256=e2bf5bd243f08bb7d8adde197cfe3e6d71314ed3378fe0692f8932f4c3b3928c
# Prints a one-line apt source list with a deb-src entry for each Debian archive that the
# system's own sources name for this release (its main suite, not -updates or -security).
debian_source_list() {
  local codename="$1" file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    # "deb [options] URI suite components...": the options, when there are any, go.
    awk -v c="$codename" '{ sub(/\[[^]]*\][ \t]*/, "") }
      $1 == "deb" && $3 == c { print "deb-src", $2, c, "main" }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    # deb822 stanzas are separated by blank lines.
    awk -v c="$codename" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " c " "))
          for (i = 1; i <= n; i++) print "deb-src", uri[i], c, "main"
        types = ""; suites = ""; n = 0
      }
      /^[ \t]*$/ { flush(); next }
      /^Types:/ { types = $0; sub(/^Types:[ \t]*/, "", types) }
      /^Suites:/ { suites = $0; sub(/^Suites:[ \t]*/, "", suites) }
      /^URIs:/ { for (i = 2; i <= NF; i++) uri[++n] = $i }
      END { flush() }' "$file"
  done
}
build_caf() {
  local prefix="$1" work="$build/caf-build"
  [ ! -f "$prefix/built-$caf_sha256" ] || return 0
  rm -rf "$work" "$prefix"
  mkdir -p "$work/apt/lists/partial" "$work/apt/sources.list.d" "$work/download"
  debian_source_list "$(. /etc/os-release && echo "$VERSION_CODENAME")" >"$work/apt/sources.list"
  local apt=(apt-get -qq -o Dir::Etc::SourceList="$work/apt/sources.list"
    -o Dir::Etc::SourceParts="$work/apt/sources.list.d" -o Dir::State::Lists="$work/apt/lists"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
  if ! ("${apt[@]}" update && cd "$work/download" &&
    "${apt[@]}" --tar-only source actor-framework) >"$work/apt.log" 2>&1; then
    cat "$work/apt.log" >&2
    echo "sanitize: cannot fetch CAF's source package" >&2
    exit 1
  fi
  local tarball="$work/download/actor-framework_$caf_version.orig.tar.gz"
  echo "$caf_sha256  $tarball" | sha256sum --check --quiet
  tar -xzf "$tarball" -C "$work"
  # 0.17.6 lacks an #include <limits> that libstdc++ 12 needs (Debian's patches add it).
  if ! (cmake -S "$work/actor-framework-$caf_version" -B "$work/obj" "${flags[@]}" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_CXX_FLAGS="-fsanitize=thread -include limits" \
    -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread -DCAF_NO_EXAMPLES=ON -DCAF_NO_UNIT_TESTS=ON \
    -DCAF_NO_TOOLS=ON -DCAF_NO_PYTHON=ON -DCAF_NO_OPENCL=ON -DCAF_NO_SUMMARY=ON &&
    cmake --build "$work/obj" --parallel "$(nproc)" && cmake --install "$work/obj") \
    >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    echo "sanitize: building CAF with ThreadSanitizer failed (log: $work/build.log)" >&2
    exit 1
  fi
  touch "$prefix/built-$caf_sha256"
}
prefix=()
if [ "$mode" = tsan ]; then
  build_caf "$build/caf"
  prefix=(-DCMAKE_PREFIX_PATH="$build/caf") # found before the system's CAF
fi

cmake -S "$root" -B "$build" "${flags[@]}" "${prefix[@]}" -DREFPOINT_SANITIZE="$sanitizers" \
  >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}"

rm -rf "$reports"
mkdir -p "$reports"
status=0
for dir in "${test_dirs[@]}"; do
  (cd "$build/$dir" && ctest --output-on-failure --timeout 300 "$@") || status=1
done
if [ -n "$(ls -A "$reports")" ]; then
  for report in "$reports"/*; do
    echo "==== $report" >&2
    head -n 100 "$report" >&2
  done
  echo "sanitize: $mode: the sanitizer reports above fail the run" >&2
  status=1
fi
[ "$status" -ne 0 ] || echo "sanitize: $mode: every test passed, no sanitizer report"
exit "$status"
