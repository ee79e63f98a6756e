#!/usr/bin/env bash
# Performance benchmarks of issue 6, printed as figures (never timed tests). Usage: bench/run.sh [SHIPMENTS]
# Default 650,000 shipments = about 1,000,000 declaration lines + 600,000 invoice lines. Needs node/npm for the
# DuckDB yardstick (installed into bench/node_modules). Takes several minutes on 2 cores. AOT=1 runs the benchmarks
# compiled ahead of time (Native AOT, publish-aot.sh; needs clang or gcc and 5-10 more minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
shipments=${1:-650000}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build functions/TradeAnalyzer.Cli -c Release -nologo -v quiet >/dev/null
dotnet build tests/TradeAnalyzer.Benchmarks -c Release -nologo -v quiet >/dev/null
cli="dotnet functions/TradeAnalyzer.Cli/bin/Release/net10.0/tradeanalyzer.dll"
bench="dotnet tests/TradeAnalyzer.Benchmarks/bin/Release/net10.0/TradeAnalyzer.Benchmarks.dll"
if [ "${AOT:-0}" = 1 ]; then # the benchmarks compiled ahead of time, as `./publish-aot.sh` builds the command line
  ./publish-aot.sh bench
  bench=artifacts/aot/bench/TradeAnalyzer.Benchmarks
fi
[ -d bench/node_modules/@duckdb ] || npm install --prefix bench --no-audit --no-fund --loglevel=error >/dev/null

data=bench/data-$shipments
[ -f "$data/declarations.csv" ] || $cli sample --out "$data" --shipments "$shipments" --quiet
echo "== DuckDB yardstick (price filter only)"
duck=$(node bench/duckdb-price.mjs "$data" | tee /dev/stderr | sed -n 's/^RESULT duckdb seconds=\([0-9.]*\).*/\1/p')
echo "== DuckDB loading both files with every column (what our read stage does; a second yardstick)"
node bench/duckdb-load.mjs "$data"
echo "== Full analyze (both files, all detectors, all outputs)"
full=$(/usr/bin/time -f "RESULT maxrss_kb=%M wall=%e user=%U sys=%S" $bench e2e "$data" 2>&1 | tee /dev/stderr | sed -n 's/^RESULT e2e seconds=\([0-9.]*\).*/\1/p')
echo "ratio full/duckdb: $(echo "scale=2; $full / $duck" | bc)"

if [ "${LINEARITY:-1}" = 1 ]; then
  data2=bench/data-$((shipments * 2))
  [ -f "$data2/declarations.csv" ] || $cli sample --out "$data2" --shipments $((shipments * 2)) --quiet
  echo "== Linearity: twice the input"
  full2=$($bench e2e "$data2" | tee /dev/stderr | sed -n 's/^RESULT e2e seconds=\([0-9.]*\).*/\1/p')
  echo "ratio 2x/1x: $(echo "scale=2; $full2 / $full" | bc)"
fi

if [ "${STAGES:-1}" = 1 ]; then
  echo "== Stage by stage on one thread (CPU time and bytes allocated per stage)"
  $bench stages "$data"
fi

echo "== One upload of 10,000 lines against stored baselines of 10,000,000 history lines"
$bench upload 10000000
echo "== Upload report with 200,000 flags"
/usr/bin/time -f "RESULT maxrss_kb=%M wall=%e user=%U sys=%S" $bench report 200000
