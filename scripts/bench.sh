#!/usr/bin/env bash
# Benchmarks refpointd against bare baselines (docs/PERFORMANCE.md) and prints one table.
# Loopback only. Needs wrk (scripts/setup.sh installs it).
#   get      GET /api/v1/jobs/{id} req/s vs bench_beast_baseline GET req/s   (goal >= 0.6)
#   post     POST .../reference-points jobs completed/s (zero-size sim disks)
#                                        vs bench_beast_baseline POST req/s  (goal >= 0.25)
#   store    store actor insert rows/s   vs bare SQLiteCpp batched rows/s    (goal >= 0.5)
#   ws       events delivered/s to 1,000 WebSocket subscribers of /api/v1/events while
#            jobs run vs bench_ws_broadcaster's deliveries/s (goal >= 0.7), p99 latency
#   memory   resident memory with 100,000 machines seeded                    (goal < 1 GiB)
#   restart  time from exec to "listening on" with 1,000,000 stored jobs     (goal < 5 s)
#   fingerprint  file backend fingerprinting MiB/s of a 2 GiB image from page cache vs a
#            plain 1 MiB-pread read (goal >= 0.8) and vs `xxhsum -H3` (goal >= 1.0)
#   changes  seconds for the changed-range comparison loop over a 4 GiB image with 1% of
#            its blocks rewritten (1 GiB per call, as refpointd's default), checked exact
#   forward  GET /api/v1/systems/{name} req/s through a peer (relayed to the owner over the
#            cluster link) vs on the owner itself (goal >= 0.25), and the mean latency one
#            client sees both ways: the forwarding overhead per request
#   collection  one client's latency (POST until the job reads completed) of a collection
#            reference point of three machines (zero-size sim disks), every member on one node
#            vs one member on each of three nodes (two-phase commit over the cluster links)
# Server and load generator alternate (two rounds each, best kept): ratios matter.
# Takes about 5 minutes, 2.5 of them to seed the 1M-jobs database (only once when
# BENCH_RESTART_DB names a file to keep).
# Env: BENCH_FIGURES (default "get post store ws memory restart fingerprint changes"),
#      BENCH_SECONDS (GET, default 10), BENCH_POST_SECONDS (default 5),
#      BENCH_COLLECTION_JOBS (default 50: collection jobs timed each way),
#      BENCH_WS_SECONDS (default 5), BENCH_FORWARD_SECONDS (default 5), BENCH_WS_CLIENTS (default 1000),
#      BENCH_WS_POST_DELAY_MS (default 20: the pace of the jobs that make the events),
#      BENCH_WS_LATENCY_DELAY_MS (default 100: that pace for the latency below saturation),
#      BENCH_MACHINES (default 100000), BENCH_RESTART_JOBS (default 1000000),
#      BENCH_RESTART_DB (a seeded database to reuse, or where to keep the one seeded now),
#      BENCH_SKIP_BUILD=1, REFPOINT_BUILD_DIR.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  "$root/scripts/setup.sh"
  "$root/scripts/build.sh" >/dev/null
fi
bin="${REFPOINT_BUILD_DIR:-$root/build}/bin"
figures=" ${BENCH_FIGURES:-get post store ws memory restart fingerprint changes forward collection} "
collection_jobs="${BENCH_COLLECTION_JOBS:-50}"
get_seconds="${BENCH_SECONDS:-10}"
post_seconds="${BENCH_POST_SECONDS:-5}"
ws_seconds="${BENCH_WS_SECONDS:-5}"
forward_seconds="${BENCH_FORWARD_SECONDS:-5}"
ws_clients="${BENCH_WS_CLIENTS:-1000}"
ws_delay_ms="${BENCH_WS_POST_DELAY_MS:-20}"
ws_latency_delay_ms="${BENCH_WS_LATENCY_DELAY_MS:-100}"
ws_warmup=2 # seconds between "all connected" and the start of the measurement
machines="${BENCH_MACHINES:-100000}"
restart_jobs="${BENCH_RESTART_JOBS:-1000000}"
restart_db="${BENCH_RESTART_DB:-}"
systems=8 # POSTs rotate over this many systems, one zero-size sim disk each
# 1,000 WebSocket connections on each side need more descriptors than the usual 1024.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

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

wants() { [[ "$figures" == *" $1 "* ]]; }
now_ns() { date +%s%N; }
max() { if [ "$1" -ge "$2" ]; then echo "$1"; else echo "$2"; fi; }

# run_bg NAME COMMAND...: starts it in the background (output in $work/NAME.out and .err)
# and sets bg_pid; cleanup kills it.
bg_pid=""
run_bg() {
  local name="$1"
  shift
  : >"$work/$name.out"
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  bg_pid=$!
  pids+=("$bg_pid")
}
# wait_for_line FILE PATTERN PID SECONDS: polls (every 10 ms) until FILE holds PATTERN;
# fails when PID has exited or SECONDS have passed first.
wait_for_line() {
  local deadline=$(($(now_ns) + $4 * 1000000000))
  until grep -q "$2" "$1"; do
    if ! kill -0 "$3" 2>/dev/null || [ "$(now_ns)" -gt "$deadline" ]; then
      grep -q "$2" "$1" && return 0
      return 1
    fi
    sleep 0.01
  done
}

server_pid=""
server_name=""
server_url=""
started_ns=0 # when the last start_server started its command
started_ms=0 # how long that took to print the "listening on" line
# start_server NAME COMMAND...: starts it and waits (at most $start_timeout seconds) for
# "listening on http://HOST:PORT".
start_timeout=10
start_server() {
  local name="$1"
  started_ns="$(now_ns)"
  run_bg "$@"
  server_pid="$bg_pid"
  server_name="$name"
  if ! wait_for_line "$work/$name.out" 'listening on http://' "$server_pid" "$start_timeout"; then
    echo "bench: $name did not start" >&2
    cat "$work/$name.err" >&2
    exit 1
  fi
  started_ms=$((($(now_ns) - started_ns) / 1000000))
  server_url="$(grep -o 'http://[0-9.]*:[0-9]*' "$work/$name.out" | head -n1)"
}
stop_server() { # fails, showing the end of its stderr, when the server had exited already
  if kill "$server_pid" 2>/dev/null; then
    wait "$server_pid" 2>/dev/null || true
    return 0
  fi
  local status=0
  wait "$server_pid" 2>/dev/null || status=$?
  echo "bench: $server_name (PID $server_pid) had exited with status $status:" >&2
  tail -n5 "$work/$server_name.err" >&2
  return 1
}
start_refpointd() { # start_refpointd [ARGS...]: a fresh database each time
  rm -f "$work"/refpoint.db*
  start_server refpointd "$bin/refpointd" --config "$work/refpointd.toml" \
    --listen 127.0.0.1:0 --db "$work/refpoint.db" "$@"
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
jobs_in_state() { # jobs_in_state STATE: from /metrics
  curl -sf "$server_url/metrics" |
    awk -v s="$1" '$1 == "refpoint_jobs{state=\"" s "\"}" {n = $2} END {printf "%d", n + 0}'
}
json_field() { # json_field KEY: the first top-level-looking "KEY":"VALUE" of stdin
  grep -o "\"$1\":\"[^\"]*\"" | head -n1 | sed 's/.*:"\(.*\)"/\1/'
}
kv_field() { # kv_field KEY: VALUE of the first KEY=VALUE on stdin (nothing if none)
  { grep -o "\<$1=[^ ]*" || true; } | head -n1 | cut -d= -f2
}
rss_kib() { # rss_kib PID [FIELD]: VmRSS (or FIELD) in KiB; nothing once PID has exited
  awk -v k="${2:-VmRSS:}" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || true
}

create_systems() { # prints system names, one a line
  for i in $(seq "$systems"); do
    curl -sf -X POST -H 'Content-Type: application/json' "$server_url/api/v1/systems" \
      -d "{\"elementName\":\"bench-$i\",\"disks\":[{\"id\":\"d0\",\"backend\":\"sim\",\"sizeBytes\":0,\"changeTracking\":true}]}" |
      json_field name
  done
}

# -- GET /api/v1/jobs/{id} ---------------------------------------------------------------
get_ref=0
get_base=0
if wants get; then
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
  [ "$state" = completed ] || {
    echo "bench: job $job is $state" >&2
    exit 1
  }
  get_path="/api/v1/jobs/$job"
  refpoint_url="$server_url"
  refpoint_pid="$server_pid"
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
fi

# -- POST reference-points -> completed jobs/s -------------------------------------------
post_ref=0
post_base=0
if wants post; then
  echo "bench: POST figure (${post_seconds}s runs over $systems systems)" >&2
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
fi

# -- store actor vs bare SQLiteCpp -------------------------------------------------------
store_bare=0
store_ref=0
if wants store; then
  echo "bench: store figure" >&2
  "$bin/bench_store" >"$work/store.out"
  cat "$work/store.out" >&2
  store_line="$(tail -n1 "$work/store.out")"
  store_bare="$(kv_field bare_rows_per_s <<<"$store_line")"
  store_ref="$(kv_field store_rows_per_s <<<"$store_line")"
fi

# -- WebSocket fan-out -------------------------------------------------------------------
# ws_measure NAME URL: runs bench_ws_subscribers against URL (in the background, so that
# cleanup can kill it) and waits until it has connected; fails when it cannot connect.
ws_measure() {
  run_bg "$1" "$bin/bench_ws_subscribers" "$2" "$ws_clients" "$ws_seconds" "$ws_warmup"
  ws_pid="$bg_pid"
  wait_for_line "$work/$1.out" '^connected' "$ws_pid" 120 && return 0
  kill "$ws_pid" 2>/dev/null || true
  wait "$ws_pid" 2>/dev/null || true
  return 1
}
# ws_result NAME: waits for the subscribers; sets line to their result line, or nothing.
ws_result() {
  line=""
  if wait "$ws_pid"; then line="$(tail -n1 "$work/$1.out")"; else cat "$work/$1.err" >&2; fi
}
# ws_broadcaster [RATE]: the bare broadcaster's result line in line (RATE events/s, or as
# fast as it can).
ws_broadcaster() {
  start_server broadcaster "$bin/bench_ws_broadcaster" 0 "$ws_clients" 64 "${1:-0}"
  line=""
  if ws_measure ws-base "ws://${server_url#http://}/api/v1/events"; then
    ws_result ws-base
  fi
  stop_server || line=""
}
# ws_refpointd DELAY_MS: a fresh refpointd whose jobs (wrk -c2, each connection pausing
# DELAY_MS before each POST) make the events; the subscribers' result line in line.
ws_refpointd() {
  start_refpointd
  mapfile -t ids < <(create_systems)
  line=""
  if ws_measure ws-ref "ws://${server_url#http://}/api/v1/events"; then
    run_bg wrk-ws env BENCH_POST_DELAY_MS="$1" wrk -t1 -c2 \
      -d"$((ws_warmup + ws_seconds + 2))s" -s "$root/bench/post_reference_point.lua" \
      "$server_url" -- "${ids[@]}"
    ws_result ws-ref
    kill "$bg_pid" 2>/dev/null || true
    wait "$bg_pid" 2>/dev/null || true
  else
    echo "bench:   refpointd: no event stream: $(tail -n1 "$work/ws-ref.err")" >&2
  fi
  stop_server || line=""
}
ws_ref="n/a"
ws_ref_line=""
ws_base=0
ws_base_line=""
lat_ref_line=""
lat_base_line=""
if wants ws; then
  echo "bench: WebSocket fan-out figure ($ws_clients subscribers, ${ws_seconds}s runs," \
    "jobs paced by wrk -c2 at ${ws_delay_ms} ms)" >&2
  for round in 1 2; do
    ws_broadcaster
    b="$(kv_field deliveries_per_s <<<"$line")"
    if [ -n "$b" ] && [ "$b" -gt "$ws_base" ]; then
      ws_base="$b"
      ws_base_line="$line"
    fi
    ws_refpointd "$ws_delay_ms"
    r="$(kv_field deliveries_per_s <<<"$line")"
    if [ -n "$r" ] && { [ "$ws_ref" = n/a ] || [ "$r" -gt "$ws_ref" ]; }; then
      ws_ref="$r"
      ws_ref_line="$line"
    fi
    echo "bench:   round $round: refpointd ${r:-n/a} deliveries/s, baseline ${b:-n/a}" >&2
  done
  # Latency below saturation: jobs paced more slowly, then the broadcaster paced to the
  # event rate refpointd delivered.
  echo "bench: WebSocket latency below saturation (jobs paced at ${ws_latency_delay_ms} ms)" >&2
  ws_refpointd "$ws_latency_delay_ms"
  lat_ref_line="$line"
  r="$(kv_field deliveries_per_s <<<"$line")"
  if [ -n "$r" ] && [ "$r" -gt 0 ]; then
    ws_broadcaster "$(awk -v d="$r" -v n="$ws_clients" 'BEGIN {printf "%.2f", d / n}')"
    lat_base_line="$line"
  fi
fi

# -- resident memory with many machines --------------------------------------------------
# settled_rss PID: VmRSS (KiB) once two readings 1 s apart differ by less than 1 MiB;
# nothing when PID exits first.
settled_rss() {
  local before after
  after="$(rss_kib "$1")"
  for _ in $(seq 30); do
    sleep 1
    before="$after"
    after="$(rss_kib "$1")"
    [ -n "$after" ] || return 0
    [ $((after - before)) -lt 1024 ] && [ $((before - after)) -lt 1024 ] && break
  done
  echo "$after"
}
mem_rss=0
mem_empty=0
mem_per_machine=0
if wants memory; then
  echo "bench: memory figure ($machines machines from an inventory file)" >&2
  "$bin/bench_make_inventory" "$machines" >"$work/inventory.json"
  start_refpointd
  mem_empty="$(settled_rss "$server_pid")"
  stop_server || true
  start_timeout=300
  start_refpointd --inventory "$work/inventory.json"
  start_timeout=10
  listen_ms="$started_ms"
  # Ready: the inventory actor, which spawns one actor per machine before it handles any
  # message, answers a duplicate registration with 409.
  first="$(sed -n '/"name":"/{s/^[^"]*"name":"\([^"]*\)".*/\1/p;q}' "$work/inventory.json")"
  ready_ms="n/a"
  for _ in $(seq 300); do
    code="$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST \
      -H 'Content-Type: application/json' "$server_url/api/v1/systems" \
      -d "{\"name\":\"$first\",\"elementName\":\"probe\"}" || true)"
    if [ "$code" = 409 ]; then
      ready_ms=$((($(now_ns) - started_ns) / 1000000))
      break
    fi
    sleep 0.1
  done
  mem_rss="$(settled_rss "$server_pid")"
  mem_hwm="$(rss_kib "$server_pid" VmHWM:)"
  if stop_server && [ -n "$mem_rss" ] && [ -n "$mem_hwm" ]; then
    mem_per_machine=$(((mem_rss - mem_empty) * 1024 / machines))
    echo "bench:   empty: $((mem_empty / 1024)) MiB; $machines machines: $((mem_rss / 1024))" \
      "MiB (peak $((mem_hwm / 1024)) MiB), $mem_per_machine bytes per machine;" \
      "listening after $listen_ms ms, ready after $ready_ms ms" >&2
  else
    mem_rss=n/a
    mem_per_machine=n/a
  fi
fi

# -- restart with many stored jobs -------------------------------------------------------
restart_ms=0
restart_empty_ms=0
if wants restart; then
  seeded="${restart_db:-$work/seeded.db}"
  if [ ! -f "$seeded" ]; then
    echo "bench: restart figure: seeding $restart_jobs jobs into $seeded" >&2
    "$bin/bench_seed_jobs" "$seeded" "$restart_jobs" >&2
  else
    echo "bench: restart figure: reusing $seeded" >&2
  fi
  restart_ms=999999
  restart_empty_ms=999999
  for round in 1 2 3; do
    # A pristine copy each time: a start may change the file (recovery, purge, pruning).
    rm -f "$work"/restart.db*
    cp "$seeded" "$work/restart.db"
    start_timeout=300
    start_server refpointd "$bin/refpointd" --config "$work/refpointd.toml" \
      --listen 127.0.0.1:0 --db "$work/restart.db"
    start_timeout=10
    r="$started_ms"
    if [ "$round" = 1 ]; then # what the stored jobs cost the first requests, for the record
      t_metrics="$(curl -s -o /dev/null -w "%{time_total}" "$server_url/metrics" || true)"
      t_list="$(curl -s -o /dev/null -w "%{time_total}" "$server_url/api/v1/jobs" || true)"
      echo "bench:   with the jobs: GET /metrics took $t_metrics s, GET /api/v1/jobs $t_list s" >&2
    fi
    stop_server || true
    start_refpointd
    b="$started_ms"
    stop_server || true
    restart_ms=$((r < restart_ms ? r : restart_ms))
    restart_empty_ms=$((b < restart_empty_ms ? b : restart_empty_ms))
    echo "bench:   round $round: $r ms to listening with the jobs, $b ms with an empty database" >&2
  done
fi

# -- file backend: fingerprinting and changed ranges -------------------------------------
figure() { awk -v n="$1" '$1 == n {print $2}' "$2"; }
mib() { awk -v g="$1" 'BEGIN {printf "%d", g * 1024}'; }
fp_ref=0
fp_read=0
fp_xxhsum=0
if wants fingerprint; then
  "$bin/bench_fingerprint" "$work" 2 >"$work/fingerprint.out"
  fp_ref="$(mib "$(figure fingerprint "$work/fingerprint.out")")"
  fp_read="$(mib "$(figure read "$work/fingerprint.out")")"
  fp_xxhsum="$(mib "$(figure xxhsum "$work/fingerprint.out")")"
  echo "bench: fingerprint: $(tr '\n' ' ' <"$work/fingerprint.out")" >&2
fi
changes_line=""
if wants changes; then
  "$bin/bench_fingerprint" changes "$work" 4 >"$work/changes.out"
  changes_line="$(figure compare_seconds "$work/changes.out") s for 4 GiB,"
  changes_line+=" $(figure blocks_found "$work/changes.out") changed blocks in"
  changes_line+=" $(figure ranges_found "$work/changes.out") ranges"
  echo "bench: changes: $(tr '\n' ' ' <"$work/changes.out")" >&2
fi

# -- forwarding: requests answered by their owner through another node ------------------
fwd_owner=0
fwd_relayed=0
fwd_owner_us=""
fwd_relayed_us=""
wrk_mean_us() { # wrk_mean_us URL: one connection's mean latency in microseconds
  wrk -t1 -c1 -d"${forward_seconds}s" "$1" |
    awk '$1 == "Latency" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
      f = (u == "ms") ? 1000 : (u == "s") ? 1000000 : 1; printf "%d", v * f}'
}
if wants forward; then
  echo "bench: forward figure (${forward_seconds}s runs, wrk -t1 -c64; latency wrk -t1 -c1)" >&2
  rm -f "$work"/owner.db* "$work"/front.db*
  start_server owner "$bin/refpointd" --config "$work/refpointd.toml" --listen 127.0.0.1:0 \
    --db "$work/owner.db" --node owner --cluster-listen 127.0.0.1:0
  owner_url="$server_url"
  owner_pid="$server_pid"
  owner_peer="$(grep -o 'cluster listening on [0-9.]*:[0-9]*' "$work/owner.out" | awk '{print $4}')"
  start_server front "$bin/refpointd" --config "$work/refpointd.toml" --listen 127.0.0.1:0 \
    --db "$work/front.db" --node front --peer "$owner_peer"
  front_url="$server_url"
  front_pid="$server_pid"
  server_url="$owner_url"
  mapfile -t ids < <(create_systems)
  fwd_path="/api/v1/systems/${ids[0]}"
  for _ in $(seq 100); do # until the nodes are linked
    curl -sf -o /dev/null "$front_url$fwd_path" && break
    sleep 0.1
  done
  for round in 1 2; do
    o="$(wrk_rps -t1 -c64 -d"${forward_seconds}s" "$owner_url$fwd_path")"
    f="$(wrk_rps -t1 -c64 -d"${forward_seconds}s" "$front_url$fwd_path")"
    fwd_owner="$(max "$fwd_owner" "$o")"
    fwd_relayed="$(max "$fwd_relayed" "$f")"
    echo "bench:   round $round: on the owner $o req/s, through a peer $f req/s" >&2
  done
  fwd_owner_us="$(wrk_mean_us "$owner_url$fwd_path")"
  fwd_relayed_us="$(wrk_mean_us "$front_url$fwd_path")"
  for pid in "$front_pid" "$owner_pid"; do
    server_pid="$pid"
    stop_server
  done
fi

# -- collections across nodes: the two-phase commit's cost -------------------------------
coll_one=""
coll_three=""
system_on() { # system_on URL: registers a system with one zero-size sim disk; prints its name
  curl -sf -X POST -H 'Content-Type: application/json' "$1/api/v1/systems" \
    -d '{"elementName":"bench","disks":[{"id":"d0","sizeBytes":0}]}' | json_field name
}
# collection_latency URL NAME...: a collection of the systems named, homed at URL; runs
# $collection_jobs RCT jobs one after another from one client and prints its latency line
# (POST until the job reads completed).
collection_latency() {
  local url="$1"
  shift
  local members
  members="$(printf '"%s",' "$@")"
  local coll
  coll="$(curl -sf -X POST -H 'Content-Type: application/json' "$url/api/v1/collections" \
    -d "{\"elementName\":\"bench\",\"members\":[${members%,}]}" | json_field id)"
  local hostport="${url#http://}"
  "$bin/bench_collection_latency" "${hostport%:*}" "${hostport##*:}" "$coll" "$collection_jobs"
}
if wants collection; then
  echo "bench: collection figure ($collection_jobs jobs each way)" >&2
  start_refpointd
  coll_one="$(collection_latency "$server_url" "$(system_on "$server_url")" \
    "$(system_on "$server_url")" "$(system_on "$server_url")")"
  stop_server
  rm -f "$work"/node-*.db*
  node_urls=()
  node_pids=()
  first_peer=""
  for n in a b c; do
    peer_flags=()
    [ -n "$first_peer" ] && peer_flags=(--peer "$first_peer")
    start_server "node-$n" "$bin/refpointd" --config "$work/refpointd.toml" \
      --listen 127.0.0.1:0 --db "$work/node-$n.db" --node "$n" --cluster-listen 127.0.0.1:0 \
      "${peer_flags[@]}"
    [ -z "$first_peer" ] && first_peer="$(grep -o 'cluster listening on [0-9.]*:[0-9]*' \
      "$work/node-$n.out" | awk '{print $4}')"
    node_urls+=("$server_url")
    node_pids+=("$server_pid")
  done
  for _ in $(seq 100); do # until every node sees the other two
    [ "$(curl -sf "${node_urls[0]}/api/v1/cluster" | grep -o '"alive":true' | wc -l)" = 3 ] &&
      [ "$(curl -sf "${node_urls[2]}/api/v1/cluster" | grep -o '"alive":true' | wc -l)" = 3 ] &&
      break
    sleep 0.1
  done
  coll_three="$(collection_latency "${node_urls[0]}" "$(system_on "${node_urls[0]}")" \
    "$(system_on "${node_urls[1]}")" "$(system_on "${node_urls[2]}")")"
  for pid in "${node_pids[@]}"; do
    server_pid="$pid"
    stop_server
  done
fi

# -- table -------------------------------------------------------------------------------
header() {
  printf '| %-48s | %9s | %9s | %5s | %7s | %-4s |\n' figure refpoint baseline ratio goal met?
  printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..50})" ----------- ----------- \
    ------- --------- ------
}
row() { # row FIGURE REFPOINT BASELINE GOAL: goal is a minimum ratio; REFPOINT may be n/a
  awk -v f="$1" -v r="$2" -v b="$3" -v g="$4" 'BEGIN {
    if (r == "n/a" || b <= 0) {
      printf "| %-48s | %9s | %9d | %5s | >= %4.2f | %-4s |\n", f, r, b, "n/a", g, "n/a"
      exit
    }
    ratio = r / b
    printf "| %-48s | %9d | %9d | %5.2f | >= %4.2f | %-4s |\n", f, r, b, ratio, g,
      (ratio >= g ? "yes" : "no")
  }'
}
limit_row() { # limit_row FIGURE REFPOINT BASELINE LIMIT [DIVISOR]: goal is REFPOINT < LIMIT
  awk -v f="$1" -v r="$2" -v b="$3" -v l="$4" -v d="${5:-1}" 'BEGIN {
    if (r == "n/a") {
      printf "| %-48s | %9s | %9d | %5s | < %5d | %-4s |\n", f, r, b / d, "-", l, "n/a"
      exit
    }
    printf "| %-48s | %9d | %9d | %5s | < %5d | %-4s |\n", f, r / d, b / d, "-", l,
      (r / d < l ? "yes" : "no")
  }'
}
header
wants get && row "GET /api/v1/jobs/{id} req/s vs bare Beast" "$get_ref" "$get_base" 0.6
wants post && row "POST reference-points jobs/s vs Beast POST" "$post_ref" "$post_base" 0.25
wants store && row "store actor rows/s vs bare SQLiteCpp" "$store_ref" "$store_bare" 0.5
wants ws && row "WS deliveries/s, $ws_clients subscribers vs bare Beast" "$ws_ref" "$ws_base" 0.7
wants memory && limit_row "RSS MiB, $machines machines vs none" "$mem_rss" "$mem_empty" \
  1024 1024
wants restart && limit_row "ms to listening, $restart_jobs jobs vs none" "$restart_ms" \
  "$restart_empty_ms" 5000
wants fingerprint && row "fingerprint MiB/s vs plain read (2 GiB, cached)" "$fp_ref" "$fp_read" 0.8
wants fingerprint && row "fingerprint MiB/s vs xxhsum -H3" "$fp_ref" "$fp_xxhsum" 1.0
wants forward && row "GET system req/s through a peer vs on its owner" "$fwd_relayed" \
  "$fwd_owner" 0.25
if wants ws; then
  latency() { # latency RESULT_LINE: "P50/P99 ms at R deliveries/s (C closed)", or n/a
    [ -n "$1" ] || {
      echo n/a
      return
    }
    echo "$(kv_field p50_ms <<<"$1")/$(kv_field p99_ms <<<"$1") ms at" \
      "$(kv_field deliveries_per_s <<<"$1")/s ($(kv_field closed <<<"$1") closed)"
  }
  echo
  echo "WS p50/p99 latency, saturated: refpointd $(latency "$ws_ref_line")," \
    "bare Beast $(latency "$ws_base_line")"
  echo "WS p50/p99 latency, paced:     refpointd $(latency "$lat_ref_line")," \
    "bare Beast $(latency "$lat_base_line")"
fi
if wants changes; then
  echo
  echo "changes: $changes_line"
fi
if wants forward; then
  echo
  echo "forward: one client's mean latency $fwd_owner_us us on the owner, $fwd_relayed_us us" \
    "through a peer: $((fwd_relayed_us - fwd_owner_us)) us of forwarding per request"
fi
if wants collection; then
  echo
  echo "collection: one client's latency of a 3-member collection reference point (POST to" \
    "completed), members on one node: $coll_one; one member on each of three nodes: $coll_three"
fi
if wants memory; then
  wants ws || wants forward || wants collection || echo
  echo "memory: $mem_per_machine bytes per machine ((RSS - RSS of an empty refpointd) / $machines)"
fi
