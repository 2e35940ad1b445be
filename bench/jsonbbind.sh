#!/usr/bin/env bash
# What a PostgreSQL backend keeps after a statement binds many JSON documents, as jsonb[] (parsed while bound, into
# memory freed only when the statement ends; glibc keeps the heap) or as text[] the statement casts row by row (what
# Alerting sends, Persistence/SqlArray.OfJson). A scratch cluster of the machine's PostgreSQL, one connection per
# line. Prints the backend's anonymous memory before and after ROUNDS (default 3) statements of DOCS documents.
#   bench/jsonbbind.sh                 # 50 documents of 400 alerts (the soak's flush of 50 groups)
#   DOCS=2000 ALERTS=1 bench/jsonbbind.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DOCS=${DOCS:-50}
ALERTS=${ALERTS:-400}
ROUNDS=${ROUNDS:-3}
PORT=${PG_PORT:-19432}
WORK=$(mktemp -d /tmp/alerting-jsonb.XXXXXX)
chmod 755 "$WORK"
PGBIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
trap 'su postgres -c "$PGBIN/pg_ctl -D $WORK/pg -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

cp -r "$ROOT/bench/JsonbBind" "$ROOT/bench/Directory.Build.props" "$ROOT/bench/Directory.Packages.props" "$WORK/"
rm -rf "$WORK"/JsonbBind/{bin,obj}
dotnet build -c Release -nologo -v q "$WORK/JsonbBind" -o "$WORK/out" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
su postgres -c "$PGBIN/initdb -D $WORK/pg -A trust -U postgres" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $WORK/pg -o '-p $PORT -k $WORK/pg -c listen_addresses=127.0.0.1' -l $WORK/pg/log -w start" >/dev/null

printf 'parameter\tstatement (each of %s rounds)\tbackend anonymous before\tafter\n' "$ROUNDS"
for mode in jsonb text; do
  dotnet "$WORK/out/JsonbBind.dll" "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres" "$mode" "$DOCS" "$ALERTS" "$ROUNDS"
done
