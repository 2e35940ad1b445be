#!/usr/bin/env bash
# Profiles one load against Alerting alone: a throwaway PostgreSQL cluster with pg_stat_statements, a Release
# build, a warm-up, then the chosen phases with the statement statistics printed afterwards, and optionally a
# dotnet-trace CPU sample. See "What profiling found" in docs/benchmarks.md.
#
#   bench/profile.sh ingest_1             # phases of scenario main: latency, ingest_1, ingest_100, new_100
#   SCENARIO=storm bench/profile.sh none  # or a whole scenario: inhibit, storm, mem100, mem100k
#   TRACE_AFTER=6 bench/profile.sh ingest_1   # also a 10 s dotnet-trace sample, 6 s into the run
#   PERF_AFTER=10 ENVS=DOTNET_PerfMapEnabled=1 SCENARIO=storm bench/profile.sh none   # perf record, PERF_SECONDS (6)
# Environment: DURATION (default 10), ENVS (extra environment for the server, e.g. DOTNET_gcServer=0),
# PG_SETTINGS (extra PostgreSQL options, e.g. '-c shared_buffers=512MB'), BUILT (the work dir of an earlier run kept
# with KEEP_WORK=1: reuse its builds instead of building).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PHASES=${1:-ingest_1}
SCENARIO=${SCENARIO:-main}
DURATION=${DURATION:-10}
PGPORT=${PGPORT:-55432}
PORT=${ALERTING_PORT:-19093}
HOOK_PORT=${HOOK_PORT:-19101}
WORK=$(mktemp -d /tmp/alerting-profile.XXXXXX)
chmod 755 "$WORK"
PGBIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
log() { echo "[profile $(date -u +%H:%M:%S)] $*" >&2; }

SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  su postgres -c "$PGBIN/pg_ctl -D $WORK/pg -m fast stop" >/dev/null 2>&1 || true
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [ -n "${BUILT:-}" ]; then
  # A kept work dir of an earlier run (KEEP_WORK=1): its builds, so that runs of two builds can alternate quickly.
  log "using the builds in $BUILT"
  ln -s "$BUILT/alerting" "$WORK/alerting" && ln -s "$BUILT/loadgen" "$WORK/loadgen"
else
log "building in $WORK"
mkdir -p "$WORK/src"
(cd "$ROOT" && tar --exclude=bin --exclude=obj -cf - src templates Directory.Build.props Directory.Packages.props global.json) | tar -xf - -C "$WORK/src"
dotnet build -c Release -nologo -v q "$WORK/src/src/Alerting.Server" -o "$WORK/alerting" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
mkdir -p "$WORK/lg" && cp -r "$ROOT/bench/LoadGen" "$ROOT/bench/Directory.Build.props" "$ROOT/bench/Directory.Packages.props" "$WORK/lg/"
rm -rf "$WORK/lg/LoadGen/bin" "$WORK/lg/LoadGen/obj"
dotnet build -c Release -nologo -v q "$WORK/lg/LoadGen" -o "$WORK/loadgen" >"$WORK/build-lg.log" 2>&1 || { cat "$WORK/build-lg.log"; exit 1; }
fi

log "PostgreSQL with pg_stat_statements on :$PGPORT"
mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
su postgres -c "$PGBIN/initdb -D $WORK/pg -U postgres --auth=trust -E UTF8 --locale=C" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $WORK/pg -l $WORK/pg/log -w -o '-c port=$PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK/pg -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on ${PG_SETTINGS:-}' start" >/dev/null
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE alerting"
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d alerting -c "CREATE EXTENSION pg_stat_statements"

# The per-client ingestion limits (100 requests/s by default) would turn the load into 429s: off, as in bench/run.sh.
{ sed "s/HOOK_PORT/$HOOK_PORT/" "$ROOT/bench/config.yml.in"
  printf '\nserver:\n  limits:\n    ingest_requests_per_second: 0\n    ingest_concurrency_per_source: 0\n    ingest_concurrency: 0\n'; } > "$WORK/config.yml"
mkdir -p "$WORK/storage"
# shellcheck disable=SC2086 # ENVS is a list of NAME=value words
(cd "$WORK/alerting" && exec env ${ENVS:-} ./alerting --config.file="$WORK/config.yml" --storage.path="$WORK/storage" \
  --web.listen-address="127.0.0.1:$PORT" --log.level=warn --database.url="postgres://postgres@127.0.0.1:$PGPORT/alerting") >"$WORK/alerting.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/-/ready" 2>/dev/null && break; sleep 0.5; done
LG=("$WORK/loadgen/LoadGen" run --name alerting --url "http://127.0.0.1:$PORT" --pid "$SERVER" --pg-pidfile "$WORK/pg/postmaster.pid" --hook-port "$HOOK_PORT" --duration "$DURATION")
"${LG[@]}" --scenario main --phases none --out "$WORK/warm.json" 2>/dev/null  # the 10k alerts of load 1, once
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d alerting -c "SELECT pg_stat_statements_reset()" >/dev/null
TRACER=
if [ -n "${TRACE_AFTER:-}" ]; then
  (sleep "$TRACE_AFTER"; ~/.dotnet/tools/dotnet-trace collect -p "$SERVER" --profile dotnet-sampled-thread-time --format Speedscope \
     --duration 00:00:00:10 -o "$WORK/trace.nettrace" >"$WORK/trace.log" 2>&1; log "trace: $WORK/trace.speedscope.json") &
  TRACER=$!
fi
if [ -n "${PERF_AFTER:-}" ]; then
  # Native and managed frames by CPU clock. ENVS=DOTNET_PerfMapEnabled=1 names the JIT's code; with
  # DOTNET_EnableWriteXorExecute=0 as well perf finds it (not DOTNET_ReadyToRun=0: the JIT would then dominate).
  (sleep "$PERF_AFTER"; perf record -e cpu-clock -F 999 -g -p "$SERVER" -o "$WORK/perf.data" -- sleep "${PERF_SECONDS:-6}" \
     >"$WORK/perf.log" 2>&1; log "perf: $WORK/perf.data") &
  TRACER="$TRACER $!"
fi
"${LG[@]}" --scenario "$SCENARIO" --phases "$PHASES" --out "$WORK/result.json" 2>&1 | grep -v warm-up
[ -z "$TRACER" ] || wait $TRACER
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d alerting -c "
  SELECT calls, round(total_exec_time::numeric) AS ms, round(mean_exec_time::numeric, 3) AS mean_ms,
         plans, round(mean_plan_time::numeric, 3) AS plan_ms, rows, wal_records,
         left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query
  FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20"
