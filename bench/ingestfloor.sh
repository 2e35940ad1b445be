#!/usr/bin/env bash
# The floor under the only-new row of bench/run.sh (issue 20): what PostgreSQL's CPU alone costs per new alert when
# each alert is one durable row and nothing else, written the cheapest ways it can take them. On a scratch cluster
# with the embedded cluster's settings (PostgreSQL defaults, --locale=C, durable commits), CLIENTS psql sessions at
# once (default 2, as Alerting's two writers) each commit TX transactions of ROWS alerts (defaults 500 and 100), rows
# shaped like bench/LoadGen's only-new alerts, into a table shaped like `alerts` (primary key on the fingerprint,
# jsonb labels and annotations, fillfactor 70). Variants (VARIANTS, default all):
#   copy         COPY … FROM STDIN, one per transaction;
#   unnest       INSERT … SELECT FROM unnest(arrays), as Alerting sends a batch (plain insert, no ON CONFLICT);
#   upsert       the same with ON CONFLICT (fingerprint) DO NOTHING, as two instances sharing a database need;
#   members      upsert, and in the same statement each new alert's row in a table shaped like `group_members`
#                (primary key group key, route, fingerprint; an index on the fingerprint): Alerting's two rows;
#   home         upsert, with the alert's first membership on its own row (group key, route, time it joined) and
#                a partial index on (group key, route) for reads by group: one row and one more index per alert;
#   home_id      the same with the group as a bigint (an id of the group) in the row and its index;
#   copy_text    COPY with labels and annotations as text instead of jsonb (what parsing JSON costs).
# CPU is every PostgreSQL process's (postmaster, backends, WAL writer, checkpointer…: /proc utime+stime, exited
# children through the postmaster's cutime/cstime), per 1k rows; the psql clients' CPU is not counted.
set -euo pipefail
CLIENTS=${CLIENTS:-2}
TX=${TX:-500}
ROWS=${ROWS:-100}
VARIANTS=${VARIANTS:-copy unnest upsert members home home_id copy_text}
PGPORT=${PGPORT:-19432}
PGBIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /tmp/alerting-ingestfloor.XXXXXX)
chmod 755 "$WORK"
log() { echo "[ingestfloor $(date -u +%H:%M:%S)] $*" >&2; }
trap 'su postgres -c "$PGBIN/pg_ctl -D $WORK/pg -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
su postgres -c "$PGBIN/initdb -D $WORK/pg -U postgres --auth=trust -E UTF8 --locale=C" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $WORK/pg -l $WORK/pg/log -w -o '-c port=$PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK/pg' start" >/dev/null
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }
postmaster=$(head -1 "$WORK/pg/postmaster.pid")

# CPU ticks of the whole cluster: the postmaster with its reaped children, and its live children.
cluster_ticks() {
  local total pid
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat")
  for pid in $(pgrep -P "$postmaster"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# CPU ticks of the whole machine (user, nice, system, irq, softirq of all cores), the clients' share included.
machine_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

# One script per client and variant: TX transactions of ROWS rows, fingerprints distinct across all of them.
python3 - "$WORK" "$CLIENTS" "$TX" "$ROWS" <<'PY'
import random, sys
work, clients, tx, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(20)
starts = "2026-12-07 12:00:00+00"
ends = "2026-12-07 12:05:00+00"
fps = list({rng.getrandbits(63) - 2**62 for _ in range(clients * tx * rows * 2)})[:clients * tx * rows]
rng.shuffle(fps)
def alert(n, fp):
    i = f"new-floor-{n}"
    labels = '{"alertname":"New%d","bench":"ingest","id":"%s","severity":"warning"}' % (n % 10, i)
    ann = '{"summary":"benchmark alert %s"}' % i
    return fp, labels, ann, '{}:{alertname="New%d"}' % (n % 10)
cols = "fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, state, state_changed_at, first_seen_at, first_event, first_group_key"
for c in range(clients):
    batches = []
    for t in range(tx):
        base = (c * tx + t) * rows
        batches.append([alert(base + k, fps[base + k]) for k in range(rows)])
    for variant, table in (("copy", "alerts"), ("copy_text", "alerts_text")):
        with open(f"{work}/{variant}-{c}.sql", "w") as f:
            for b in batches:
                f.write(f"COPY {table} ({cols}) FROM STDIN;\n")
                for fp, labels, ann, gk in b:
                    f.write(f"{fp}\t{labels}\t{ann}\t{starts}\t{ends}\t\t{starts}\tf\tbench\tpending\t{starts}\t{starts}\treceived\t{gk}\n")
                f.write("\\.\n")
    arr = lambda xs: "'{" + ",".join('"' + str(x).replace('\\', '\\\\').replace('"', '\\"') + '"' for x in xs) + "}'"
    upsert = " ON CONFLICT (fingerprint) DO NOTHING"
    homes = {"home": (", group_key, route_id, added_at", f", g, '0', '{starts}'"), "home_id": (", group_id, added_at", f", hashtext(g), '{starts}'")}
    for variant, conflict in (("unnest", ""), ("upsert", upsert), ("members", upsert), ("home", upsert), ("home_id", upsert)):
        more_cols, more_values = homes.get(variant, ("", ""))
        with open(f"{work}/{variant}-{c}.sql", "w") as f:
            for b in batches:
                insert = (f"INSERT INTO alerts ({cols}{more_cols}) SELECT fp, l::jsonb, a::jsonb, '{starts}', '{ends}', '', '{starts}', false, 'bench', 'pending', '{starts}', '{starts}', 'received', g{more_values} "
                          f"FROM unnest({arr([x[0] for x in b])}::bigint[], {arr([x[1] for x in b])}::text[], {arr([x[2] for x in b])}::text[], {arr([x[3] for x in b])}::text[]) AS t(fp, l, a, g){conflict}")
                if variant == "members":
                    insert = (f"WITH a AS ({insert} RETURNING fingerprint, first_group_key) INSERT INTO group_members (group_key, route_id, fingerprint, added_at) "
                              f"SELECT first_group_key, '0', fingerprint, '{starts}' FROM a ON CONFLICT DO NOTHING")
                f.write(insert + ";\n")
PY

echo "| Variant | Rows | Wall s | Rows/s | PostgreSQL CPU-ms per 1k rows | Machine CPU-ms per 1k rows | WAL bytes per row |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for v in $VARIANTS; do
  labels=jsonb
  [ "$v" = copy_text ] && labels=text
  table=alerts
  [ "$v" = copy_text ] && table=alerts_text
  psql_ -c "SET client_min_messages = warning; DROP TABLE IF EXISTS alerts, alerts_text, group_members; CHECKPOINT;" -c "
    CREATE TABLE group_members (group_key text NOT NULL, route_id text NOT NULL, fingerprint bigint NOT NULL,
      added_at timestamptz NOT NULL, PRIMARY KEY (group_key, route_id, fingerprint));
    CREATE INDEX ix_group_members_fingerprint ON group_members (fingerprint);" -c "
    CREATE TABLE $table (fingerprint bigint PRIMARY KEY, labels $labels NOT NULL, annotations $labels NOT NULL,
      starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL, generator_url text NOT NULL, updated_at timestamptz NOT NULL,
      timeout boolean NOT NULL, source text, extra jsonb, state text NOT NULL DEFAULT 'pending', state_changed_at timestamptz,
      first_seen_at timestamptz, first_event text, first_group_key text,
      group_key text, route_id text, group_id integer, added_at timestamptz) WITH (fillfactor = 70);"
  case $v in
    home) psql_ -c "CREATE INDEX ix_alerts_group ON alerts (group_key, route_id) WHERE group_key IS NOT NULL" ;;
    home_id) psql_ -c "CREATE INDEX ix_alerts_group ON alerts (group_id) WHERE group_id IS NOT NULL" ;;
  esac
  psql_ -c "CHECKPOINT"
  wal0=$(psql_ -Atc "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
  cpu0=$(cluster_ticks)
  sys0=$(machine_ticks)
  t0=$(date +%s%N)
  for c in $(seq 0 $((CLIENTS - 1))); do
    psql_ -f "$WORK/$v-$c.sql" >/dev/null &
  done
  wait
  t1=$(date +%s%N)
  sys1=$(machine_ticks)
  # The clients' backends have exited: let the postmaster reap them, so their CPU is in its cutime/cstime.
  sleep 1
  cpu1=$(cluster_ticks)
  wal1=$(psql_ -Atc "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
  n=$(psql_ -Atc "SELECT count(*) FROM $table")
  hz=$(getconf CLK_TCK)
  awk -v v="$v" -v n="$n" -v ns=$((t1 - t0)) -v ticks=$((cpu1 - cpu0)) -v all=$((sys1 - sys0)) -v hz="$hz" -v wal=$((wal1 - wal0)) \
    'BEGIN { s = ns / 1e9; printf "| %s | %d | %.2f | %.0f | %.1f | %.1f | %.0f |\n", v, n, s, n / s, ticks * 1000 / hz / n * 1000, all * 1000 / hz / n * 1000, wal / n }'
done
log "load average $(cut -d' ' -f1-3 /proc/loadavg)"
