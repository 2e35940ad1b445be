#!/usr/bin/env bash
# Insights on a year of history: a throwaway PostgreSQL cluster, the schema, a year of generated history (by default
# 2.4M alert lives ≈ 10M alert_events rows, and 5M send attempts), then each insights query timed for 24h, 7d and 30d
# (RUNS runs after a warm-up, the slowest reported). See "Insights on a year of history" in docs/benchmarks.md.
#
#   bench/insights.sh                        # about 10 minutes on 2 idle cores
#   LIVES=240000 ATTEMPTS=500000 bench/insights.sh   # a tenth, to try the script
# Environment: LIVES, ATTEMPTS, RUNS (default 5), PGPORT (default 55442), PG_SETTINGS (extra server options),
# KEEP_WORK=1 to keep the cluster and build.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIVES=${LIVES:-2400000}
ATTEMPTS=${ATTEMPTS:-5000000}
RUNS=${RUNS:-5}
PGPORT=${PGPORT:-55442}
WORK=$(mktemp -d /tmp/alerting-insights.XXXXXX)
chmod 755 "$WORK"
PGBIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
log() { echo "[insights $(date -u +%H:%M:%S)] $*" >&2; }
AS_PG=()
[ "$(id -u)" = 0 ] && AS_PG=(su postgres -c)
pg() { if [ ${#AS_PG[@]} -gt 0 ]; then "${AS_PG[@]}" "$*"; else sh -c "$*"; fi; }

cleanup() {
  pg "$PGBIN/pg_ctl -D $WORK/pg -m fast stop" >/dev/null 2>&1 || true
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log "building the timer in $WORK"
mkdir -p "$WORK/src/bench"
(cd "$ROOT" && tar --exclude=bin --exclude=obj -cf - src templates Directory.Build.props Directory.Packages.props global.json) | tar -xf - -C "$WORK/src"
cp -r "$ROOT/bench/Insights" "$ROOT/bench/Directory.Build.props" "$ROOT/bench/Directory.Packages.props" "$WORK/src/bench/"
rm -rf "$WORK/src/bench/Insights/bin" "$WORK/src/bench/Insights/obj"
dotnet build -c Release -nologo -v q "$WORK/src/bench/Insights" -o "$WORK/bin" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }

log "PostgreSQL on :$PGPORT"
mkdir -p "$WORK/pg"
[ ${#AS_PG[@]} -gt 0 ] && chown postgres "$WORK/pg"
pg "$PGBIN/initdb -D $WORK/pg -U postgres --auth=trust -E UTF8" >/dev/null
pg "$PGBIN/pg_ctl -D $WORK/pg -l $WORK/pg/log -w -o '-c port=$PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK/pg -c shared_buffers=256MB -c max_wal_size=4GB ${PG_SETTINGS:-}' start" >/dev/null
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres)
"${PSQL[@]}" -c "CREATE DATABASE alerting"
URL="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=alerting"
"$WORK/bin/Alerting.InsightsBench" migrate "$URL"

log "generating $LIVES alert lives and $ATTEMPTS send attempts"
started=$(date +%s)
"${PSQL[@]}" -d alerting -v lives="$LIVES" -v attempts="$ATTEMPTS" -f "$ROOT/bench/insights/generate.sql"
log "generated in $(( $(date +%s) - started )) s"
"${PSQL[@]}" -d alerting -c "
  SELECT t AS table, (xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM ' || t, false, true, '')))[1]::text::bigint AS rows,
         pg_size_pretty(pg_table_size(t::regclass)) AS size
  FROM unnest(ARRAY['alert_events', 'notification_attempts', 'silences']) AS t"
"${PSQL[@]}" -d alerting -c "
  SELECT indexrelname AS index, pg_size_pretty(pg_relation_size(indexrelid)) AS size
  FROM pg_stat_user_indexes WHERE relname IN ('alert_events', 'notification_attempts') ORDER BY relname, indexrelname"

log "timing each insight ($RUNS runs after a warm-up; the slowest, and the median)"
"$WORK/bin/Alerting.InsightsBench" time "$URL" "$RUNS" || log "at least one insight took 500 ms or more (elapsed)"
log "rollups made by the reports above"
"${PSQL[@]}" -d alerting -c "
  SELECT c.relname AS rollup, (xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM ' || c.relname, false, true, '')))[1]::text::bigint AS rows,
         pg_size_pretty(pg_total_relation_size(c.oid)) AS size
  FROM pg_class c WHERE c.relname LIKE 'insights\_%' AND c.relkind = 'r' ORDER BY 1"

# What the BRIN indexes cost at ingestion: pgbench runs the engine's history writes (bench/insights/ingest.sql: 100
# events and one attempt per transaction) into the year of history, with and without them, alternating.
INGEST_SECONDS=${INGEST_SECONDS:-20}
log "ingestion with and without the BRIN indexes ($INGEST_SECONDS s each, twice)"
for round in 1 2; do
  for variant in with without; do
    if [ "$variant" = without ]; then
      "${PSQL[@]}" -d alerting -c "DROP INDEX ix_alert_events_at_brin; DROP INDEX ix_attempts_at_brin"
    fi
    tps=$("$PGBIN/pgbench" -n -h 127.0.0.1 -p "$PGPORT" -U postgres -f "$ROOT/bench/insights/ingest.sql" -T "$INGEST_SECONDS" alerting 2>/dev/null \
          | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    echo "round $round, $variant BRIN indexes: $tps transactions/s (x100 events + 1 attempt)"
    if [ "$variant" = without ]; then
      "${PSQL[@]}" -d alerting -c "CREATE INDEX ix_alert_events_at_brin ON alert_events USING brin (at); CREATE INDEX ix_attempts_at_brin ON notification_attempts USING brin (at)"
    fi
  done
done
