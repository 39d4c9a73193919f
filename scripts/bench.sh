#!/usr/bin/env bash
# Benchmarks refpointd against bare baselines (docs/PERFORMANCE.md) and prints one table.
# Loopback only; takes about 2 minutes. Needs wrk (scripts/setup.sh installs it).
#   1. GET /api/v1/jobs/{id} req/s   vs bench_beast_baseline GET req/s   (goal >= 0.6)
#   2. POST .../reference-points jobs completed/s (zero-size sim disks)
#                                    vs bench_beast_baseline POST req/s  (goal >= 0.25)
#   3. store actor insert rows/s     vs bare SQLiteCpp batched rows/s    (goal >= 0.5)
# Server and load generator alternate (two rounds each, best kept): ratios matter.
# Env: BENCH_SECONDS (GET, default 10), BENCH_POST_SECONDS (default 5), BENCH_SKIP_BUILD=1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  "$root/scripts/setup.sh"
  "$root/scripts/build.sh" >/dev/null
fi
bin="${REFPOINT_BUILD_DIR:-$root/build}/bin"
get_seconds="${BENCH_SECONDS:-10}"
post_seconds="${BENCH_POST_SECONDS:-5}"
systems=8 # POSTs rotate over this many systems, one zero-size sim disk each

work="$(mktemp -d /tmp/refpoint-bench.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/refpointd.toml" <<'TOML'
log_level = "warning"
[backend.sim]
bytes_per_second = 1000000000000000000
TOML

server_pid=""
server_url=""
# start_server NAME COMMAND...: starts it, waits for "listening on http://HOST:PORT".
start_server() {
  local name="$1"
  shift
  : >"$work/$name.out"
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 100); do
    server_url="$(grep -o 'http://[0-9.]*:[0-9]*' "$work/$name.out" | head -n1 || true)"
    [ -n "$server_url" ] && return 0
    sleep 0.1
  done
  echo "bench: $name did not start" >&2
  cat "$work/$name.err" >&2
  exit 1
}
stop_server() {
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
}
start_refpointd() { # fresh database each time
  rm -f "$work"/refpoint.db*
  start_server refpointd "$bin/refpointd" --config "$work/refpointd.toml" \
    --listen 127.0.0.1:0 --db "$work/refpoint.db"
}
start_baseline() { start_server baseline "$bin/bench_beast_baseline" 0; }

# wrk_rps ARGS...: runs wrk, prints its Requests/sec (integer).
wrk_rps() {
  wrk "$@" >"$work/wrk.out"
  if grep -q 'Non-2xx' "$work/wrk.out"; then
    grep 'Non-2xx' "$work/wrk.out" | sed 's/^ */bench: wrk: /' >&2
  fi
  awk '/^Requests\/sec:/ {printf "%d", $2}' "$work/wrk.out"
}
max() { if [ "$1" -ge "$2" ]; then echo "$1"; else echo "$2"; fi; }
jobs_in_state() { # jobs_in_state STATE: from /metrics
  curl -sf "$server_url/metrics" |
    awk -v s="$1" '$1 == "refpoint_jobs{state=\"" s "\"}" {n = $2} END {printf "%d", n + 0}'
}
now_ns() { date +%s%N; }
json_field() { # json_field KEY: the first top-level-looking "KEY":"VALUE" of stdin
  grep -o "\"$1\":\"[^\"]*\"" | head -n1 | sed 's/.*:"\(.*\)"/\1/'
}

create_systems() { # prints system names, one a line
  for i in $(seq "$systems"); do
    curl -sf -X POST -H 'Content-Type: application/json' "$server_url/api/v1/systems" \
      -d "{\"elementName\":\"bench-$i\",\"disks\":[{\"id\":\"d0\",\"backend\":\"sim\",\"sizeBytes\":0,\"changeTracking\":true}]}" |
      json_field name
  done
}

# -- 1. GET /api/v1/jobs/{id} ------------------------------------------------------------
echo "bench: GET figure (${get_seconds}s runs, wrk -t1 -c64)" >&2
start_refpointd
mapfile -t ids < <(create_systems)
system="${ids[0]}"
job="$(curl -sf -X POST -H 'Content-Type: application/json' \
  "$server_url/api/v1/systems/$system/reference-points" -d '{"type":"rct"}' | json_field id)"
for _ in $(seq 100); do
  state="$(curl -sf "$server_url/api/v1/jobs/$job" | json_field state)"
  [ "$state" = completed ] && break
  sleep 0.1
done
[ "$state" = completed ] || { echo "bench: job $job is $state" >&2; exit 1; }
get_path="/api/v1/jobs/$job"
refpoint_url="$server_url"
refpoint_pid="$server_pid"
get_ref=0
get_base=0
for round in 1 2; do
  server_url="$refpoint_url"
  r="$(wrk_rps -t1 -c64 -d"${get_seconds}s" "$refpoint_url$get_path")"
  get_ref="$(max "$get_ref" "$r")"
  start_baseline
  b="$(wrk_rps -t1 -c64 -d"${get_seconds}s" "$server_url$get_path")"
  get_base="$(max "$get_base" "$b")"
  stop_server
  echo "bench:   round $round: refpointd $r req/s, baseline $b req/s" >&2
done
server_pid="$refpoint_pid"
server_url="$refpoint_url"
stop_server

# -- 2. POST reference-points -> completed jobs/s ----------------------------------------
echo "bench: POST figure (${post_seconds}s runs over $systems systems)" >&2
post_ref=0
post_base=0
for round in 1 2; do
  start_refpointd
  mapfile -t ids < <(create_systems)
  start_ns="$(now_ns)"
  wrk -t1 -c64 -d"${post_seconds}s" -s "$root/bench/post_reference_point.lua" \
    "$server_url" -- "${ids[@]}" >"$work/wrk.out"
  # wait (at most 60 s) until no job is running any more
  for _ in $(seq 600); do
    [ "$(jobs_in_state running)" -eq 0 ] && break
    sleep 0.1
  done
  end_ns="$(now_ns)"
  completed="$(jobs_in_state completed)"
  running="$(jobs_in_state running)"
  r=$((completed * 1000000000 / (end_ns - start_ns)))
  post_ref="$(max "$post_ref" "$r")"
  stop_server
  start_baseline
  b="$(wrk_rps -t1 -c64 -d"${post_seconds}s" -s "$root/bench/post_reference_point.lua" \
    "$server_url/api/v1/systems/x/reference-points")"
  post_base="$(max "$post_base" "$b")"
  stop_server
  echo "bench:   round $round: refpointd $completed jobs completed ($running still running)" \
    "in $(((end_ns - start_ns) / 1000000)) ms = $r jobs/s, baseline $b req/s" >&2
done

# -- 3. store actor vs bare SQLiteCpp ----------------------------------------------------
echo "bench: store figure" >&2
"$bin/bench_store" >"$work/store.out"
cat "$work/store.out" >&2
store_line="$(tail -n1 "$work/store.out")"
store_bare="$(sed -n 's/.*bare_rows_per_s=\([0-9]*\).*/\1/p' <<<"$store_line")"
store_ref="$(sed -n 's/.*store_rows_per_s=\([0-9]*\).*/\1/p' <<<"$store_line")"

# -- table -------------------------------------------------------------------------------
row() { # row FIGURE REFPOINT BASELINE GOAL
  awk -v f="$1" -v r="$2" -v b="$3" -v g="$4" 'BEGIN {
    ratio = b > 0 ? r / b : 0
    printf "| %-46s | %9d | %9d | %5.2f | >= %4.2f | %-4s |\n", f, r, b, ratio, g,
      (ratio >= g ? "yes" : "no")
  }'
}
printf '| %-46s | %9s | %9s | %5s | %7s | %-4s |\n' figure refpoint baseline ratio goal met?
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..48})" ----------- ----------- \
  ------- --------- ------
row "GET /api/v1/jobs/{id} req/s vs bare Beast" "$get_ref" "$get_base" 0.6
row "POST reference-points jobs/s vs Beast POST" "$post_ref" "$post_base" 0.25
row "store actor rows/s vs bare SQLiteCpp" "$store_ref" "$store_bare" 0.5
