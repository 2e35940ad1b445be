#!/usr/bin/env bash
# One Alerting instance, then two, sharing one PostgreSQL and one RabbitMQ (--bus.rabbitmq-url), under the same
# load split between the instances (bench/TwoInstances): alerts/s ingested, and notifications/s from POST to
# webhook. Prints the figures as a markdown table. Environment: DURATION (s of ingestion, default 15), NOTIFY
# (alerts to notify, default 2000), CONNECTIONS (default 16), RUNS (repetitions of each, default 2), KEEP_WORK=1.
# Needs: the .NET 10 SDK; installs postgresql and rabbitmq-server with apt-get when missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-15}
NOTIFY=${NOTIFY:-2000}
CONNECTIONS=${CONNECTIONS:-16}
RUNS=${RUNS:-2}
PORTS=(19193 19195)
HOOK_PORT=19202

log() { echo "[two-instances $(date -u +%H:%M:%S)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi
PGBIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin | sort -V | tail -1)
AS_PG=(); [ "$(id -u)" = 0 ] && AS_PG=(runuser -u postgres --)

WORK=$(mktemp -d /tmp/alerting-two.XXXXXX)
chmod 755 "$WORK"
PIDS=()
PG_PORT=$(free_port)
cleanup() {
  for p in "${PIDS[@]:-}"; do
    if [ -n "$p" ] && kill "$p" 2>/dev/null; then wait "$p" 2>/dev/null || true; fi
  done
  if [ -f "$WORK/pg/postmaster.pid" ]; then "${AS_PG[@]}" "$PGBIN/pg_ctl" stop -D "$WORK/pg" -m fast >/dev/null 2>&1 || true; fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log "building Alerting (Release) and the load in $WORK"
mkdir -p "$WORK/src" "$WORK/results"
(cd "$ROOT" && tar --exclude=bin --exclude=obj -cf - src templates Directory.Build.props Directory.Packages.props global.json) | tar -xf - -C "$WORK/src"
dotnet build -c Release -nologo -v q "$WORK/src/src/Alerting.Server" -o "$WORK/alerting" >"$WORK/build-alerting.log" 2>&1 \
  || { cat "$WORK/build-alerting.log"; exit 1; }
mkdir -p "$WORK/load-src" && cp -r "$ROOT/bench/TwoInstances" "$ROOT/bench/Directory.Build.props" "$ROOT/bench/Directory.Packages.props" "$WORK/load-src/"
rm -rf "$WORK/load-src/TwoInstances/bin" "$WORK/load-src/TwoInstances/obj"
dotnet build -c Release -nologo -v q "$WORK/load-src/TwoInstances" -o "$WORK/load" >"$WORK/build-load.log" 2>&1 \
  || { cat "$WORK/build-load.log"; exit 1; }
# The per-client ingestion limits (100 requests/s by default) would turn the load into 429s: off, as in bench/run.sh.
{ sed "s/HOOK_PORT/$HOOK_PORT/" "$ROOT/bench/two-instances.yml.in"
  printf '\nserver:\n  limits:\n    ingest_requests_per_second: 0\n    ingest_concurrency_per_source: 0\n    ingest_concurrency: 0\n'; } > "$WORK/config.yml"

log "PostgreSQL on 127.0.0.1:$PG_PORT"
mkdir -p "$WORK/pg" && chmod 700 "$WORK/pg"
if [ "$(id -u)" = 0 ]; then chown postgres: "$WORK/pg"; fi
"${AS_PG[@]}" "$PGBIN/initdb" -D "$WORK/pg" -U postgres -A trust -E UTF8 --locale=C >"$WORK/initdb.log" 2>&1
"${AS_PG[@]}" "$PGBIN/pg_ctl" start -D "$WORK/pg" -l "$WORK/pg/log" -w \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=400" >/dev/null

# A fresh broker for each run: messages of one run must not reach the next run's database.
RMQ_PID=
start_rabbitmq() { # run
  local dir="$WORK/rmq-$1"; mkdir -p "$dir"
  echo "[]." > "$dir/enabled_plugins"; : > "$dir/rabbitmq.conf"; : > "$dir/rabbitmq-env.conf"
  RMQ_PORT=$(free_port)
  HOME="$dir" RABBITMQ_NODENAME="two-instances-$1-$$@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$RMQ_PORT" RABBITMQ_DIST_PORT="$(free_port)" RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/pid" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
    /usr/lib/rabbitmq/bin/rabbitmq-server >"$dir/out.log" 2>&1 &
  RMQ_PID=$!; PIDS+=("$RMQ_PID")
  for _ in $(seq 1 120); do (echo >"/dev/tcp/127.0.0.1/$RMQ_PORT") 2>/dev/null && return 0; sleep 0.5; done
  log "rabbitmq-server did not start"; tail -20 "$dir/out.log"; exit 1
}
stop_pid() { kill "$1" 2>/dev/null || true; for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done; kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
stop_rabbitmq() { local beam; beam=$(cat "$WORK/rmq-$1/pid" 2>/dev/null || echo "$RMQ_PID"); stop_pid "$beam"; stop_pid "$RMQ_PID"; }

run_case() { # instances run
  local n=$1 run=$2 db="bench_${1}_$2" urls=() pids=() i
  "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $db" >/dev/null
  start_rabbitmq "$n-$run"
  for ((i = 0; i < n; i++)); do
    (cd "$WORK/alerting" && exec ./alerting --config.file="$WORK/config.yml" --web.listen-address="127.0.0.1:${PORTS[$i]}" \
      --database.url="postgres://postgres@127.0.0.1:$PG_PORT/$db" --bus.rabbitmq-url="amqp://guest:guest@127.0.0.1:$RMQ_PORT/" \
      --log.level=warn) >"$WORK/alerting-$n-$run-$i.log" 2>&1 &
    pids+=($!); PIDS+=($!); urls+=("http://127.0.0.1:${PORTS[$i]}")
    # One at a time, so the first applies the migrations alone.
    for _ in $(seq 1 240); do curl -fsS -o /dev/null "${urls[$i]}/-/ready" 2>/dev/null && break; sleep 0.5; done
  done
  log "$n instance(s), run $run: ${urls[*]}"
  "$WORK/load/TwoInstances" --urls "$(IFS=,; echo "${urls[*]}")" --hook-port "$HOOK_PORT" --duration "$DURATION" \
    --connections "$CONNECTIONS" --notify "$NOTIFY" --out "$WORK/results/$n-$run.json" >/dev/null \
    || log "not every notification arrived (see $WORK/results/$n-$run.json)"
  for p in "${pids[@]}"; do stop_pid "$p"; done
  stop_rabbitmq "$n-$run"
}

for run in $(seq 1 "$RUNS"); do
  run_case 1 "$run"
  run_case 2 "$run"
done

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
echo "| Run | Instances | Ingest alerts/s | Notifications/s | Notify p50 ms | Notify p99 ms | Delivered |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for run in $(seq 1 "$RUNS"); do
  for n in 1 2; do
    f="$WORK/results/$n-$run.json"
    echo "| $run | $n | $(field "$f" ingest_alerts_per_s) | $(field "$f" notify_per_s) | $(field "$f" notify_p50_ms) | $(field "$f" notify_p99_ms) | $(field "$f" notify_delivered)/$(field "$f" notify_sent) in $(field "$f" notify_webhook_requests) requests |"
  done
done
echo
echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(uname -sr); Alerting $(cd "$ROOT" && git rev-parse --short HEAD); DURATION=$DURATION NOTIFY=$NOTIFY CONNECTIONS=$CONNECTIONS"
