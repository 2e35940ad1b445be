#!/usr/bin/env bash
# The floor under the start-up figures of bench/run.sh: how soon after its process starts can anything on Alerting's
# stack notify, next to Alertmanager 0.25 in the same run? Three things are timed, STARTUP_RUNS (default 5) starts each:
#   floor:         bench/StartFloor (ReadyToRun, as the image): .NET, Kestrel and HttpClient, one route that forwards a
#                  posted alert to the webhook, nothing else: no database, configuration or state;
#   alertmanager:  prometheus-alertmanager with a group_wait 0 route to the same webhook;
#   postgres:      the machine's PostgreSQL started on an existing cluster, process start to accepting connections
#                  (Alerting starts its embedded cluster before it answers /-/ready).
# The first two go through bench/LoadGen's scenario startup, as in bench/run.sh (process start → ready → first
# notification). Prints the medians; docs/benchmarks.md ("The floor under the start-up rows") has a run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${STARTUP_RUNS:-5}
PORT=${FLOOR_PORT:-19193}
HOOK_PORT=${HOOK_PORT:-19201}
WORK=$(mktemp -d /tmp/alerting-floor.XXXXXX)
chmod 755 "$WORK"
PGBIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
log() { echo "[floor $(date -u +%H:%M:%S)] $*" >&2; }
trap 'su postgres -c "$PGBIN/pg_ctl -D $WORK/pg -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

log "building in $WORK"
cp -r "$ROOT/bench/StartFloor" "$ROOT/bench/LoadGen" "$ROOT/bench/Directory.Build.props" "$ROOT/bench/Directory.Packages.props" "$WORK/"
rm -rf "$WORK"/StartFloor/{bin,obj} "$WORK"/LoadGen/{bin,obj}
dotnet publish -c Release -nologo -v q "$WORK/StartFloor" -r linux-x64 --self-contained false -p:UseAppHost=false \
  -p:PublishReadyToRun=true -o "$WORK/floor" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
dotnet build -c Release -nologo -v q "$WORK/LoadGen" -o "$WORK/loadgen" >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }

printf '#!/bin/sh\nexec dotnet %q --urls=http://127.0.0.1:%s --hook=http://127.0.0.1:%s/hook\n' \
  "$WORK/floor/StartFloor.dll" "$PORT" "$HOOK_PORT" >"$WORK/start-floor.sh"
cat >"$WORK/am.yml" <<YML
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$HOOK_PORT/hook
YML
mkdir -p "$WORK/am"
printf '#!/bin/sh\nexec /usr/bin/prometheus-alertmanager --config.file=%q --storage.path=%q --web.listen-address=127.0.0.1:%s --cluster.listen-address= --log.level=warn >>%q 2>&1\n' \
  "$WORK/am.yml" "$WORK/am" "$PORT" "$WORK/am.log" >"$WORK/start-alertmanager.sh"

for target in floor alertmanager; do
  log "$target: $RUNS timed starts"
  "$WORK/loadgen/LoadGen" startup --name "$target" --url "http://127.0.0.1:$PORT" --exec "$WORK/start-$target.sh" \
    --hook-port "$HOOK_PORT" --runs "$RUNS" --out "$WORK/$target.json" 2>>"$WORK/loadgen.log"
done

log "postgres: $RUNS timed starts of an existing cluster"
mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
su postgres -c "$PGBIN/initdb -D $WORK/pg -A trust -U postgres" >/dev/null
pg_ms=()
for _ in $(seq "$RUNS"); do
  t0=$(date +%s%N)
  su postgres -c "exec $PGBIN/postgres -D $WORK/pg -p $((PORT + 2)) -k $WORK/pg -c listen_addresses=127.0.0.1" >>"$WORK/pg.log" 2>&1 &
  pg=$!
  until "$PGBIN/pg_isready" -q -h 127.0.0.1 -p $((PORT + 2)); do kill -0 "$pg" 2>/dev/null || { tail -5 "$WORK/pg.log"; exit 1; }; done
  pg_ms+=($(( ($(date +%s%N) - t0) / 1000000 )))
  su postgres -c "$PGBIN/pg_ctl -D $WORK/pg -m fast -w stop" >/dev/null
done

python3 - "$WORK/floor.json" "$WORK/alertmanager.json" "${pg_ms[*]}" <<'PY'
import json, sys
f, a = (json.load(open(p))["startup"] for p in sys.argv[1:3])
pg = sorted(int(x) for x in sys.argv[3].split())
print(f"| Start, median of {f['runs']} | .NET floor (bench/StartFloor) | Alertmanager 0.25 | Ratio |")
print("| --- | --- | --- | --- |")
for key, name in (("ready_ms", "process start → /-/ready"), ("first_notification_ms", "process start → first notification")):
    print(f"| {name}, ms | {f[key + '_median']:.0f} {f[key]} | {a[key + '_median']:.0f} {a[key]} | {f[key + '_median'] / a[key + '_median']:.2f}× |")
print(f"| CPU of the process until ready, ms | {f['server_cpu_ms_to_ready_median']:.0f} | {a['server_cpu_ms_to_ready_median']:.0f} | |")
print(f"| RSS at rest, MB | {f['rest'].get('server_rss_mb')} | {a['rest'].get('server_rss_mb')} | |")
print(f"\nPostgreSQL {sorted(pg)} ms from process start to accepting connections on an existing cluster, median {pg[(len(pg) - 1) // 2]} ms")
PY
