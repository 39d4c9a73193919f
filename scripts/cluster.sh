#!/usr/bin/env bash
# Starts N refpointd nodes on loopback, joined into one cluster, for demos:
#   node1 … nodeN, HTTP on 127.0.0.1:8081…, cluster links on 127.0.0.1:7101…, each with its
#   own database under cluster-data/; every node after the first joins the first.
# Ctrl-C (or SIGTERM) stops them all. Extra arguments go to every refpointd.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count="${1:-3}"
shift || true
if ! [[ "$count" =~ ^[1-9][0-9]?$ ]]; then
  echo "usage: scripts/cluster.sh [N (1-99, default 3)] [refpointd flags...]" >&2
  exit 2
fi
"$root/scripts/setup.sh"
"$root/scripts/build.sh" >/dev/null
mkdir -p "$root/cluster-data"

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT INT TERM

for i in $(seq 1 "$count"); do
  args=(--config "$root/configs/refpointd.toml" --node "node$i"
    --listen "127.0.0.1:$((8080 + i))" --cluster-listen "127.0.0.1:$((7100 + i))"
    --db "$root/cluster-data/node$i.db")
  [ "$i" -gt 1 ] && args+=(--peer 127.0.0.1:7101)
  "$root/build/bin/refpointd" "${args[@]}" "$@" &
  pids+=("$!")
done
echo "cluster: $count node(s); see http://127.0.0.1:8081/api/v1/cluster (Ctrl-C stops)"
wait
