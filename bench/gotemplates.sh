#!/usr/bin/env bash
# Alertmanager's default Slack, email and Opsgenie templates over 100 alerts: our engine (BenchmarkDotNet,
# bench/Micro GoTemplateBenchmarks) beside Go's text/template and html/template running them as Alertmanager
# 0.25 does (bench/gotemplates, testing.Benchmark), after checking that all three (ours, the Go program and
# amtool) give the same bytes. Prints one table; docs/benchmarks.md ("Go templates") keeps a run.
# Usage: bench/gotemplates.sh
# Environment: MAX_LOAD (default 3: wait until the 1-minute load average is at most this, up to WAIT_MINUTES,
# default 40, then run anyway), GO_BENCHTIME (default 3s), BDN_ARGS (default: BenchmarkDotNet's default job),
# AMTOOL_RUNS (default 20), OUT (default /tmp/gotemplates-bench: data, outputs, raw results).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gotemplates-bench}
MAX_LOAD=${MAX_LOAD:-3}
WAIT_MINUTES=${WAIT_MINUTES:-40}
GO_BENCHTIME=${GO_BENCHTIME:-3s}
AMTOOL_RUNS=${AMTOOL_RUNS:-20}
TEMPLATES=/usr/share/prometheus/alertmanager
read -r -a BDN <<< "${BDN_ARGS:-}"

command -v go >/dev/null || apt-get install -y golang-go >/dev/null
command -v amtool >/dev/null || apt-get install -y prometheus-alertmanager >/dev/null
rm -rf "$OUT" && mkdir -p "$OUT"

echo "== build" >&2
dotnet build -c Release bench/Micro -v quiet -nologo >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
(cd bench/gotemplates && go build -o "$OUT/gotemplates" .)
micro=bench/Micro/bin/Release/net10.0/Alerting.Benchmarks.dll

echo "== same bytes from Alerting, the Go program and amtool" >&2
dotnet "$micro" gotemplates-dump "$OUT" >"$OUT/dotnet.hashes"
"$OUT/gotemplates" -data "$OUT/data.json" -templates "$TEMPLATES" -hash -out "$OUT" >"$OUT/go.hashes"
while read -r name _ _; do
  type=text
  [ "$name" = email.default.html ] && type=html
  amtool template render --template.glob="$TEMPLATES/default.tmpl" --template.glob="$TEMPLATES/email.tmpl" \
    --template.data="$OUT/data.json" --template.type=$type --template.text="{{ template \"$name\" . }}" >"$OUT/amtool.$name.out"
  echo "$name $(sha256sum <"$OUT/amtool.$name.out" | cut -c1-64) $(wc -c <"$OUT/amtool.$name.out")"
done <"$OUT/go.hashes" >"$OUT/amtool.hashes"
paste -d' ' "$OUT/dotnet.hashes" "$OUT/go.hashes" "$OUT/amtool.hashes" | awk '{printf "  %-30s %s %8d bytes  %s\n", $1, substr($2,1,16), $3, ($2==$5 && $5==$8) ? "same" : "DIFFERENT"}' >&2
if ! cmp -s "$OUT/dotnet.hashes" "$OUT/go.hashes" || ! cmp -s "$OUT/go.hashes" "$OUT/amtool.hashes"; then
  echo "outputs differ (see $OUT/*.out): the timings would compare different work" >&2
  exit 1
fi

waited=0
while :; do
  load=$(cut -d' ' -f1 /proc/loadavg)
  if awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN { exit !(l <= m) }' || [ "$waited" -ge "$WAIT_MINUTES" ]; then
    break
  fi
  echo "== 1-minute load $load > $MAX_LOAD, waiting ($waited of $WAIT_MINUTES min)" >&2
  sleep 60
  waited=$((waited + 1))
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/load"

echo "== Go (testing.Benchmark, -test.benchtime=$GO_BENCHTIME)" >&2
"$OUT/gotemplates" -data "$OUT/data.json" -templates "$TEMPLATES" -test.benchtime="$GO_BENCHTIME" | tee "$OUT/go.bench" >&2

echo "== amtool, whole process, $AMTOOL_RUNS runs each" >&2
cpu_ticks() { # this shell's CPU and its waited-for children's, in clock ticks (read without forking)
  local st
  read -r -a st </proc/$BASHPID/stat
  ticks=$((st[13] + st[14] + st[15] + st[16]))
}
amtool_run() { # name type text: prints "name wall_µs cpu_µs", averaged per run
  local name=$1 type=$2 text=$3 start end cpu0 ticks
  cpu_ticks
  cpu0=$ticks
  start=$(date +%s%N)
  for _ in $(seq "$AMTOOL_RUNS"); do
    amtool template render --template.glob="$TEMPLATES/default.tmpl" --template.glob="$TEMPLATES/email.tmpl" \
      --template.data="$OUT/data.json" --template.type="$type" --template.text="$text" >/dev/null
  done
  end=$(date +%s%N)
  cpu_ticks
  echo "$name $(( (end - start) / AMTOOL_RUNS / 1000 )) $(( (ticks - cpu0) * 1000000 / $(getconf CLK_TCK) / AMTOOL_RUNS ))"
}
{
  amtool_run empty text "x"
  amtool_run slack.default.title text '{{ template "slack.default.title" . }}'
  amtool_run email.default.html html '{{ template "email.default.html" . }}'
} | tee "$OUT/amtool.bench" >&2

echo "== Alerting (BenchmarkDotNet)" >&2
dotnet "$micro" --filter '*GoTemplateBenchmarks*' "${BDN[@]}" --exporters json --artifacts "$OUT/bdn" >"$OUT/bdn.log" 2>&1 \
  || { tail -40 "$OUT/bdn.log"; exit 1; }
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load"

python3 - "$OUT" <<'EOF'
import glob, json, sys
out = sys.argv[1]
bdn = json.load(open(glob.glob(f"{out}/bdn/results/*GoTemplateBenchmarks-report-full-compressed.json")[0]))
ours = {b["Method"]: (b["Statistics"]["Mean"], b["Memory"]["BytesAllocatedPerOperation"]) for b in bdn["Benchmarks"]}
go = {}
for line in open(f"{out}/go.bench"):
    _, name, mode, ns, by, allocs, n = line.split()
    go[(name, mode)] = (float(ns), int(by), int(allocs))
env = bdn["HostEnvironmentInfo"]
print(f"BenchmarkDotNet {env['BenchmarkDotNetVersion']}, {env['RuntimeVersion']}, {env['ProcessorName']}, {env['LogicalCoreCount']} cores")
print(open(f"{out}/load").read().strip().replace("\n", "; "))
print()
print("| Benchmark (per message) | Alerting: time | Alerting: allocated | Go, as Alertmanager (clone + parse + execute): time | allocated, allocs | Go, pre-parsed (execute only): time | allocated, allocs | Alerting ÷ Alertmanager's way | Alerting ÷ pre-parsed |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
def t(ns): return f"{ns / 1000:,.1f} µs" if ns < 1e6 else f"{ns / 1e6:,.2f} ms"
def kb(b): return f"{b / 1024:,.1f} KB"
for name, (mean, alloc) in ours.items():
    am, pre = go[(name, "alertmanager")], go[(name, "preparsed")]
    print(f"| {name} | {t(mean)} | {kb(alloc)} | {t(am[0])} | {kb(am[1])}, {am[2]:,} | {t(pre[0])} | {kb(pre[1])}, {pre[2]:,} | {mean / am[0]:.2f}× | {mean / pre[0]:.2f}× |")
print()
print("amtool template render, whole process (start, parse default.tmpl and email.tmpl, read data.json, render, exit):")
for line in open(f"{out}/amtool.bench"):
    name, wall, cpu = line.split()
    print(f"  {name:20} {int(wall) / 1000:7.1f} ms wall, {int(cpu) / 1000:7.1f} ms CPU per run")
EOF
