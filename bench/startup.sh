#!/usr/bin/env bash
# Start-up of a published Alerting: process start to /-/ready answering 200, and to the first notification
# (an alert posted the moment it is ready, group_wait 0s, received by a local webhook). Runs each published
# folder RUNS times against the same embedded PostgreSQL cluster (created by the first start, not timed).
#
#   dotnet publish src/Alerting.Server -c Release -r linux-x64 --self-contained false -p:UseAppHost=false \
#     -p:PublishReadyToRun=true -o /tmp/r2r      # and -p:PublishReadyToRun=false -o /tmp/jit
#   bench/startup.sh /tmp/jit /tmp/r2r
#
# Prints one line per run and the median per folder (docs/benchmarks.md, "Start-up").
set -euo pipefail
runs=${RUNS:-5}
work=$(mktemp -d)
# The embedded PostgreSQL runs as the postgres user when started by root: it must reach the storage path.
chmod o+x "$work"
trap 'kill "$hook_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 10000))
hook_port=$((port + 1))

# The webhook: records when the first POST arrives (nanoseconds since the epoch) into $work/notified.
cat >"$work/hook.py" <<PY
import http.server, time
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open("$work/notified", "a") as f:
            f.write(f"{time.time_ns()}\n")
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", $hook_port), H).serve_forever()
PY
python3 "$work/hook.py" &
hook_pid=$!
cat >"$work/alerting.yml" <<YML
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$hook_port/hook
YML

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

# One start: prints "ready_ms notified_ms".
start_once() {
  local dir=$1 alertname=$2
  rm -f "$work/notified"
  local t0
  t0=$(now)
  dotnet "$dir/alerting.dll" --config.file="$work/alerting.yml" --web.listen-address="127.0.0.1:$port" \
    --storage.path="$work/data" >"$work/log" 2>&1 &
  local pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/-/ready" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    sleep 0.01
  done
  local t_ready
  t_ready=$(now)
  curl -fsS -o /dev/null -H 'Content-Type: application/json' \
    -d "[{\"labels\":{\"alertname\":\"$alertname\"}}]" "http://127.0.0.1:$port/api/v2/alerts"
  until [ -s "$work/notified" ]; do sleep 0.005; done
  local t_notified
  t_notified=$(head -1 "$work/notified")
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$(ms "$t0" "$t_ready") $(ms "$t_ready" "$t_notified")"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The cluster is created (initdb) by an untimed first start.
start_once "$1" warmup >/dev/null
for dir in "$@"; do
  : >"$work/results"
  for i in $(seq "$runs"); do
    line=$(start_once "$dir" "run$i-$(basename "$dir")")
    echo "$dir run $i: ready ${line% *} ms, first notification ${line#* } ms after ready"
    echo "$line" >>"$work/results"
  done
  echo "$dir median: ready $(cut -d' ' -f1 "$work/results" | median) ms, first notification $(cut -d' ' -f2 "$work/results" | median) ms after ready"
done
