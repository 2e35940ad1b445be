#!/usr/bin/env bash
# Soak: one Alerting instance (Release, ReadyToRun as in the image, embedded PostgreSQL) under a realistic load for
# DURATION (default 30m): 20k firing alerts re-sent every 30 s by four senders, 2% resolving and 2% new each minute,
# 50 groups flushing every minute to a webhook that answers 500 one time in twenty, a silence created and one expired
# every minute, the UI's alerts page and GET /api/v2/alerts polled every 5 s (bench/LoadGen/Soak.cs).
# Every 10 s a CSV row (bench/LoadGen/SoakSampler.cs); at the end the pass/fail verdict and one PNG chart per measure.
#
#   bench/soak.sh                    # 30 minutes, charts into docs/images/soak-*.png
#   DURATION=5m bench/soak.sh        # a short run (charts into $WORK unless CHARTS is set)
# Environment: DURATION (s, or with m), RETENTION (--data.retention, default 5m), ALERTING_DIR (a published folder to
# use instead of building), CHARTS (folder for the PNGs), KEEP_WORK=1, ENVS (extra environment for the server),
# WARM=0 (leave PostgreSQL's buffer cache cold, as before session 19).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-30m}
RETENTION=${RETENTION:-5m}
PORT=${ALERTING_PORT:-29193}
HOOK_PORT=${HOOK_PORT:-29201}
secs() { case $1 in *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;; esac; }
DURATION_S=$(secs "$DURATION")
RETENTION_S=$(secs "$RETENTION")
WORK=$(mktemp -d /tmp/alerting-soak.XXXXXX)
chmod 755 "$WORK"   # the embedded PostgreSQL runs as 'postgres' when we are root and must reach it
if [ -z "${CHARTS:-}" ]; then
  if [ "$DURATION_S" -ge 1800 ]; then CHARTS="$ROOT/docs/images"; else CHARTS="$WORK/charts"; fi
fi
log() { echo "[soak $(date -u +%H:%M:%S)] $*" >&2; }

need_apt=()
command -v gnuplot >/dev/null 2>&1 || need_apt+=(gnuplot-nox)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}"
fi

SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [ -n "${ALERTING_DIR:-}" ]; then
  APP=$ALERTING_DIR
else
  log "building Alerting (Release, ReadyToRun) in $WORK"
  mkdir -p "$WORK/src"
  (cd "$ROOT" && tar --exclude=bin --exclude=obj -cf - src templates Directory.Build.props Directory.Packages.props global.json) | tar -xf - -C "$WORK/src"
  dotnet publish -c Release -nologo -v q "$WORK/src/src/Alerting.Server" -r linux-x64 --self-contained false -p:UseAppHost=false \
    -p:PublishReadyToRun=true -o "$WORK/alerting" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  APP=$WORK/alerting
fi
mkdir -p "$WORK/lg" && cp -r "$ROOT/bench/LoadGen" "$ROOT/bench/Directory.Build.props" "$ROOT/bench/Directory.Packages.props" "$WORK/lg/"
rm -rf "$WORK/lg/LoadGen/bin" "$WORK/lg/LoadGen/obj"
dotnet build -c Release -nologo -v q "$WORK/lg/LoadGen" -o "$WORK/loadgen" >"$WORK/build-lg.log" 2>&1 || { cat "$WORK/build-lg.log"; exit 1; }

cat >"$WORK/config.yml" <<YML
route:
  receiver: hook
  group_by: [grp]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$HOOK_PORT/hook
# Four senders on one address: the per-source limits would count them as one client.
server:
  limits:
    ingest_requests_per_second: 0
    ingest_concurrency_per_source: 0
    ingest_concurrency: 0
YML
mkdir -p "$WORK/storage" && chmod 755 "$WORK/storage"
# shellcheck disable=SC2086 # ENVS is a list of NAME=value words
(cd "$APP" && exec env ${ENVS:-} dotnet alerting.dll --config.file="$WORK/config.yml" --storage.path="$WORK/storage" \
  --web.listen-address="127.0.0.1:$PORT" --data.retention="$RETENTION" --log.level=warn) >"$WORK/alerting.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/ready" 2>/dev/null && break; sleep 0.5; done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/ready" || { tail -50 "$WORK/alerting.log"; exit 1; }
PGPORT=$(sed -n 4p "$WORK/storage/postgres/postmaster.pid")
export PGPASSWORD; PGPASSWORD=$(cat "$WORK/storage/postgres.password")
log "Alerting $SERVER ready on :$PORT (embedded PostgreSQL on :$PGPORT); soak of ${DURATION_S} s, load $(cut -d' ' -f1-3 /proc/loadavg)"

# A page of PostgreSQL's shared_buffers counts in its PSS only once a process has touched it, so a new cluster's PSS
# grows for many minutes as its cache fills for the first time (session 18: the shared part 57 -> 68 MB over 14
# minutes), bounded by shared_buffers: no leak, and not what a long-running database does. Fill the cache before the
# load with a table larger than it, written and checkpointed (the checkpointer, alive as long as the cluster, has then
# touched every buffer), and drop it. WARM=0 leaves the cache cold.
if [ "${WARM:-1}" = 1 ]; then
  PSQL=(psql -X -q -At -h 127.0.0.1 -p "$PGPORT" -U alerting -d alerting)
  rows=$("${PSQL[@]}" -c "SELECT (setting::bigint * 8192 * 13 / 10 / 240) FROM pg_settings WHERE name = 'shared_buffers'")
  "${PSQL[@]}" -c "CREATE TABLE soak_warm_cache (n bigint, pad text)" \
    -c "INSERT INTO soak_warm_cache SELECT g, repeat('x', 200) FROM generate_series(1, $rows) g" \
    -c "CHECKPOINT" -c "DROP TABLE soak_warm_cache" -c "CHECKPOINT"
  log "PostgreSQL's buffer cache filled ($rows rows written and dropped)"
fi

set +e
"$WORK/loadgen/LoadGen" soak --url "http://127.0.0.1:$PORT" --pid "$SERVER" --pg-pidfile "$WORK/storage/postgres/postmaster.pid" \
  --psql "-h 127.0.0.1 -p $PGPORT -U alerting -d alerting" --hook-port "$HOOK_PORT" --duration "$DURATION_S" \
  --retention-s "$RETENTION_S" --csv "$WORK/soak.csv" --out "$WORK/verdict.json"
rc=$?
set -e
mkdir -p "$CHARTS"
cp "$WORK/soak.csv" "$WORK/verdict.json" "$CHARTS/" 2>/dev/null || true
mv "$CHARTS/soak.csv" "$CHARTS/soak-data.csv" 2>/dev/null || true
mv "$CHARTS/verdict.json" "$CHARTS/soak-verdict.json" 2>/dev/null || true

# One chart per measure: file, title, y label, columns (name:title ...).
chart() {
  local name=$1 title=$2 ylabel=$3; shift 3
  local plots=() spec col label idx
  for spec in "$@"; do
    col=${spec%%:*}; label=${spec#*:}
    idx=$(head -1 "$WORK/soak.csv" | tr ',' '\n' | grep -nx "$col" | cut -d: -f1)
    plots+=("'$WORK/soak.csv' using (\$1/60):(valid($idx) ? column($idx) : NaN) with lines lw 2 title '$label'")
  done
  gnuplot <<GP
set terminal pngcairo size 900,360 font ',10' noenhanced
set output '$CHARTS/soak-$name.png'
set datafile separator ','
set key autotitle columnhead outside below
set title '$title ($(date -u +%Y-%m-%d), ${DURATION_S} s soak)'
set xlabel 'minutes'
set ylabel '$ylabel'
set yrange [0:*]
set grid
plot $(IFS=,; echo "${plots[*]}")
GP
}
if command -v gnuplot >/dev/null && gnuplot -e 'set terminal pngcairo' 2>/dev/null; then
  chart rss "Resident memory" MB svc_rss_mb:service pg_pss_mb:"PostgreSQL (PSS, all processes)" pg_rss_mb:"PostgreSQL (RSS sum)"
  chart pg-memory "PostgreSQL memory (PSS of all its processes)" MB pg_pss_mb:all pg_private_mb:"private (anonymous)" pg_shared_mb:"shared and files (buffers, code)" pg_file_mb:"of which files"
  chart svc-memory "Service memory (RSS and its parts)" MB svc_rss_mb:RSS svc_anon_mb:"anonymous" gc_committed_mb:"of which the GC heap (committed, at its last collection)" svc_file_mb:"files mapped" svc_shmem_mb:"shared (JIT code, mapped twice)"
  chart gc-heap "GC heap (dotnet_total_memory_bytes)" MB gc_heap_mb:"GC heap"
  chart threads "Threads of the service" threads svc_threads:threads
  chart db-size "Database size" MB db_mb:database tables_mb:tables indexes_mb:indexes
  chart bloat "Dead tuples (n_dead_tup / (n_live_tup + n_dead_tup))" % dead_pct:"dead tuples"
  chart connections "Open connections to the database" connections connections:connections
  chart ingest-latency "POST /api/v2/alerts latency per 10 s" ms ingest_p99_ms:p99 ingest_p50_ms:p50
  chart notification-lag "Lag from the first POST of a new alert to its first notification" s lag_max_s:max lag_p50_s:median
  chart load "Load average of the machine (1 min)" load load1:load1
  log "charts in $CHARTS"
else
  log "gnuplot with the pngcairo terminal is missing: no charts"
fi
log "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); CSV and verdict in $CHARTS"
exit $rc
