#!/usr/bin/env bash
# BenchmarkDotNet micro-benchmarks of the hot code (fingerprints, matchers, routes, inhibition, templates, Go templates).
# Usage: bench/micro.sh [BenchmarkDotNet arguments]   (default: every benchmark, short job)
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--filter '*' --job short)
fi
dotnet run -c Release --project bench/Micro -- "${args[@]}" --exporters github --artifacts bench/Micro/BenchmarkDotNet.Artifacts
