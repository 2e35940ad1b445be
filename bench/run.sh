#!/usr/bin/env bash
# Runs the same loads against Alerting (embedded PostgreSQL) and Alertmanager 0.25 in turn and writes
# docs/benchmarks.md. See bench/README.md. Environment: DURATION (s per timed load, default 20),
# ALERTING_PORT, ALERTMANAGER_PORT, HOOK_PORT, KEEP_WORK=1 to keep the temp dir, OUT (default docs/benchmarks.md),
# TARGETS (default "alerting alertmanager"), SCENARIOS (default "startup main mem100 mem100k inhibit storm"),
# STARTUP_RUNS (starts timed in scenario startup, default 5), ENVS (extra environment for Alerting in the timed loads,
# e.g. a runtime setting to compare).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-20}
ALERTING_PORT=${ALERTING_PORT:-19093}
ALERTMANAGER_PORT=${ALERTMANAGER_PORT:-19094}
HOOK_PORT=${HOOK_PORT:-19101}
OUT=${OUT:-$ROOT/docs/benchmarks.md}
unset ALERTING_DATABASE_URL || true   # always the embedded cluster

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }

# --- what we need ---------------------------------------------------------------------------------
need_apt=()
[ -x /usr/bin/prometheus-alertmanager ] || need_apt+=(prometheus-alertmanager)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}"
fi
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (https://dot.net)" >&2; exit 1; }
# Debian's package starts its own daemon on :9093; we run our own on other ports, so leave it alone.

WORK=$(mktemp -d /tmp/alerting-bench.XXXXXX)
chmod 755 "$WORK"   # the embedded PostgreSQL runs as 'postgres' when we are root and must reach it
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  [ "${KEEP_WORK:-0}" = 1 ] && log "work dir kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# --- build (Release, in a copy so the repository's obj/ folders are not touched) -------------------
# Published as the image is (Dockerfile): Release, ReadyToRun for this machine's runtime identifier.
log "building Alerting (Release, ReadyToRun) and the load generator in $WORK"
mkdir -p "$WORK/src" "$WORK/results"
(cd "$ROOT" && tar --exclude=bin --exclude=obj -cf - src templates Directory.Build.props Directory.Packages.props global.json) | tar -xf - -C "$WORK/src"
RID=linux-$(case "$(uname -m)" in x86_64) echo x64 ;; aarch64) echo arm64 ;; *) uname -m ;; esac)
dotnet publish -c Release -nologo -v q "$WORK/src/src/Alerting.Server" -r "$RID" --self-contained false -p:PublishReadyToRun=true \
  -o "$WORK/alerting" >"$WORK/build-alerting.log" 2>&1 || { cat "$WORK/build-alerting.log"; exit 1; }
mkdir -p "$WORK/lg-src" && cp -r "$ROOT/bench/LoadGen" "$ROOT/bench/Directory.Build.props" "$ROOT/bench/Directory.Packages.props" "$WORK/lg-src/"
rm -rf "$WORK/lg-src/LoadGen/bin" "$WORK/lg-src/LoadGen/obj"
dotnet build -c Release -nologo -v q "$WORK/lg-src/LoadGen" -o "$WORK/loadgen" >"$WORK/build-loadgen.log" 2>&1 \
  || { cat "$WORK/build-loadgen.log"; exit 1; }
LOADGEN="$WORK/loadgen/LoadGen"

sed "s/HOOK_PORT/$HOOK_PORT/" "$ROOT/bench/config.yml.in" > "$WORK/config.yml"
# The load generator is one flooding source by design: Alerting's per-source limits are lifted for it
# (Alertmanager has none, and would refuse the server: section).
{ cat "$WORK/config.yml"; printf '\nserver:\n  limits:\n    ingest_requests_per_second: 0\n    ingest_concurrency_per_source: 0\n    ingest_concurrency: 0\n'; } > "$WORK/alerting.yml"

wait_ready() { # url pid
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "$1/-/ready" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { log "server exited"; return 1; }
    sleep 0.5
  done
  log "not ready: $1"; return 1
}

stop() { # pid
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=() p; for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}")
}

# Start-up: LoadGen starts the server itself (an untimed first start creates the storage), STARTUP_RUNS times.
run_startup() { # target
  local target=$1 storage="$WORK/storage-$1-startup" url pgfile=""
  mkdir -p "$storage"; chmod 755 "$storage"
  if [ "$target" = alerting ]; then
    url="http://127.0.0.1:$ALERTING_PORT"
    printf '#!/bin/sh\ncd %q && exec ./alerting --config.file=%q --storage.path=%q --web.listen-address=127.0.0.1:%s --log.level=warn >>%q 2>&1\n' \
      "$WORK/alerting" "$WORK/alerting.yml" "$storage" "$ALERTING_PORT" "$WORK/$target-startup.log" >"$WORK/start-$target.sh"
    pgfile="$storage/postgres/postmaster.pid"
  else
    url="http://127.0.0.1:$ALERTMANAGER_PORT"
    printf '#!/bin/sh\nexec /usr/bin/prometheus-alertmanager --config.file=%q --storage.path=%q --web.listen-address=127.0.0.1:%s --cluster.listen-address= --log.level=warn >>%q 2>&1\n' \
      "$WORK/config.yml" "$storage" "$ALERTMANAGER_PORT" "$WORK/$target-startup.log" >"$WORK/start-$target.sh"
  fi
  log "$target: start-up, ${STARTUP_RUNS:-5} timed starts"
  "$LOADGEN" startup --name "$target" --url "$url" --exec "$WORK/start-$target.sh" ${pgfile:+--pg-pidfile "$pgfile"} \
    --hook-port "$HOOK_PORT" --runs "${STARTUP_RUNS:-5}" --out "$WORK/results/$target-startup.json"
}

run_scenario() { # target scenario
  local target=$1 scenario=$2 storage="$WORK/storage-$1-$2" pid url pgfile=""
  if [ "$scenario" = startup ]; then run_startup "$target"; return; fi
  mkdir -p "$storage"; chmod 755 "$storage"
  if [ "$target" = alerting ]; then
    url="http://127.0.0.1:$ALERTING_PORT"
    # shellcheck disable=SC2086 # ENVS is a list of NAME=value words
    (cd "$WORK/alerting" && exec env ${ENVS:-} ./alerting --config.file="$WORK/alerting.yml" --storage.path="$storage" \
        --web.listen-address="127.0.0.1:$ALERTING_PORT" --log.level=warn) >"$WORK/$target-$scenario.log" 2>&1 &
    pid=$!
    pgfile="$storage/postgres/postmaster.pid"
  else
    url="http://127.0.0.1:$ALERTMANAGER_PORT"
    /usr/bin/prometheus-alertmanager --config.file="$WORK/config.yml" --storage.path="$storage" \
        --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" --cluster.listen-address= --log.level=warn \
        >"$WORK/$target-$scenario.log" 2>&1 &
    pid=$!
  fi
  PIDS+=("$pid")
  wait_ready "$url" "$pid" || { tail -50 "$WORK/$target-$scenario.log"; exit 1; }
  log "$target ($pid) ready; scenario $scenario"
  "$LOADGEN" run --name "$target" --url "$url" --pid "$pid" ${pgfile:+--pg-pidfile "$pgfile"} --hook-port "$HOOK_PORT" \
    --scenario "$scenario" --duration "$DURATION" --out "$WORK/results/$target-$scenario.json"
  stop "$pid"
}

for target in ${TARGETS:-alerting alertmanager}; do
  for scenario in ${SCENARIOS:-startup main mem100 mem100k inhibit storm}; do
    run_scenario "$target" "$scenario"
  done
done

machine="$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GiB memory, $(uname -sr)"
versions="Alerting $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [ -n "$(git status --porcelain src 2>/dev/null)" ] && echo ' (with uncommitted changes in src/)'), Release ReadyToRun publish on .NET $(dotnet --version), PostgreSQL $(ls -d /usr/lib/postgresql/*/ 2>/dev/null | xargs -n1 basename | sort -n | tail -1); $(/usr/bin/prometheus-alertmanager --version 2>&1 | head -1)"
"$LOADGEN" report --dir "$WORK/results" --out "$OUT" --command "DURATION=$DURATION${SCENARIOS:+ SCENARIOS=\"$SCENARIOS\"}${ENVS:+ ENVS=\"$ENVS\"} bench/run.sh" \
  --date "$(date -u '+%Y-%m-%d %H:%M UTC')" --machine "$machine, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)" --versions "$versions" --notes "$ROOT/bench/notes.md"
log "wrote $OUT"
