#!/usr/bin/env bash
# Polls: what one read of many active alerts costs the service. Starts Alerting (Release, ReadyToRun, embedded
# PostgreSQL), posts ALERTS alerts (default 20k, in 50 groups, as the soak), then polls each endpoint the soak polls
# ROUNDS times (default 20) and prints, per poll, the managed bytes allocated (the runtime's own counter on /metrics),
# the wall time and the response size. The soak's growing RSS followed these polls' allocations (bench/findings.md).
#
#   bench/polls.sh                        # build, then measure
#   ALERTING_DIR=<published folder> bench/polls.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ALERTS=${ALERTS:-20000}
ROUNDS=${ROUNDS:-20}
PORT=${ALERTING_PORT:-29493}
WORK=$(mktemp -d /tmp/alerting-polls.XXXXXX)
chmod 755 "$WORK"
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${ALERTING_DIR:-}" ]; then
  APP=$ALERTING_DIR
else
  mkdir -p "$WORK/src"
  (cd "$ROOT" && tar --exclude=bin --exclude=obj -cf - src templates Directory.Build.props Directory.Packages.props global.json) | tar -xf - -C "$WORK/src"
  dotnet publish -c Release -nologo -v q "$WORK/src/src/Alerting.Server" -r linux-x64 --self-contained false -p:UseAppHost=false \
    -p:PublishReadyToRun=true -o "$WORK/alerting" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  APP=$WORK/alerting
fi
cat >"$WORK/config.yml" <<YML
route:
  receiver: hook
  group_by: [grp]
  group_wait: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:9/hook
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [grp]
server:
  limits:
    ingest_requests_per_second: 0
YML
mkdir -p "$WORK/storage" && chmod 755 "$WORK/storage"
(cd "$APP" && exec dotnet alerting.dll --config.file="$WORK/config.yml" --storage.path="$WORK/storage" \
  --web.listen-address="127.0.0.1:$PORT" --log.level=warn) >"$WORK/alerting.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/ready" 2>/dev/null && break; sleep 0.5; done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/ready" || { tail -50 "$WORK/alerting.log"; exit 1; }

# The soak's alerts: labels as node-exporter's, a warning each, a critical one in every tenth group.
python3 - "$ALERTS" "$WORK/batches" <<'PY'
import json, os, sys
n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out)
alerts = [{"labels": {"alertname": "HostHighLoad", "grp": f"g{i % 50}", "instance": f"node-{i}:9100", "job": "node",
                      "severity": "critical" if i % 500 == 0 else "warning"},
           "annotations": {"summary": f"load on node-{i} is high", "description": "the 5-minute load average is above 4"},
           "generatorURL": f"http://prometheus:9090/graph?g0.expr=node_load5%7Binstance%3D%22node-{i}%22%7D"}
          for i in range(n)]
for b in range(0, n, 500):
    with open(f"{out}/{b:08d}.json", "w") as f:
        json.dump(alerts[b:b + 500], f)
PY
for f in "$WORK"/batches/*.json; do
  curl -fsS -o /dev/null -H 'Content-Type: application/json' --data-binary @"$f" "http://127.0.0.1:$PORT/api/v2/alerts"
done
allocated() { curl -fsS "http://127.0.0.1:$PORT/metrics" | awk '/^system_runtime_dotnet_gc_heap_total_allocated /{printf "%.0f", $2}'; }
listed=$(curl -fsS "http://127.0.0.1:$PORT/api/v2/alerts" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "alerts posted $ALERTS, listed $listed; $ROUNDS polls each (after one unmeasured); build: ${ALERTING_DIR:-$(git -C "$ROOT" rev-parse --short HEAD)}"
printf '%-28s %14s %10s %12s\n' endpoint "MB alloc/poll" "ms/poll" "bytes"
for path in /api/v2/alerts /api/v2/alerts/groups / /metrics; do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT$path"
  # Two reads of the counter around nothing: what a /metrics read itself allocates, subtracted below.
  a0=$(allocated); a1=$(allocated)
  t0=$(date +%s%N)
  for _ in $(seq 1 "$ROUNDS"); do size=$(curl -fsS -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT$path"); done
  t1=$(date +%s%N)
  a2=$(allocated)
  python3 -c "import sys; a0,a1,a2,r,t=map(int,sys.argv[1:6]); print(f'{sys.argv[6]:<28} {((a2-a1)-(a1-a0))/r/1048576:14.1f} {t/r/1e6:10.1f} {sys.argv[7]:>12}')" \
    "$a0" "$a1" "$a2" "$ROUNDS" $((t1 - t0)) "$path" "$size"
done
