#!/usr/bin/env bash
# Performance benchmarks of issue 6, printed as figures (never timed tests), ending with a table of every target: its
# figure, its limit and whether it is met. Usage: bench/run.sh [SHIPMENTS]
# Default 650,000 shipments = about 1,000,000 declaration lines + 600,000 invoice lines. Needs node/npm for the
# DuckDB yardstick (installed into bench/node_modules). About 5 minutes on 2 cores with the defaults.
#
# These machines' speed drifts by 20-40% within an hour, so no figure comes from a single run (docs/benchmarks.md):
#   ROUNDS=N      (default 3) N full analyses alternated with N+1 runs of the DuckDB query (each its best of two),
#                 the ratio of the means; N pairs of the 2x and 1x analyses, alternating which runs first, the mean of
#                 the pairs' ratios; the upload and the report N times each
#   BENCH=PATH    the benchmarks executable to run (e.g. an AOT build kept from earlier) instead of building one
#   AOT=1         build the benchmarks ahead of time first (Native AOT, publish-aot.sh; clang or gcc, 5-10 minutes)
#   LINEARITY=0, STAGES=0, LOAD=0   skip the 2x pairs, the stage-by-stage profile, DuckDB's load of both files
#   UPLOAD_HISTORY=N  (default 10000000) the stored history the upload is measured against
#   STRICT=1      exit 1 when a target is not met
# Every run's whole output goes to bench/last-run.log; the console gets one line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
shipments=${1:-650000}
rounds=${ROUNDS:-3}
history=${UPLOAD_HISTORY:-10000000}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: ROUNDS must be a whole number of at least 1" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log=bench/last-run.log
: > "$log"

dotnet build functions/TradeAnalyzer.Cli -c Release -nologo -v quiet >/dev/null
cli="dotnet functions/TradeAnalyzer.Cli/bin/Release/net10.0/tradeanalyzer.dll"
if [ -n "${BENCH:-}" ]; then
  bench=$BENCH
elif [ "${AOT:-0}" = 1 ]; then # the benchmarks compiled ahead of time, as `./publish-aot.sh` builds the command line
  ./publish-aot.sh bench
  bench=artifacts/aot/bench/TradeAnalyzer.Benchmarks
else
  dotnet build tests/TradeAnalyzer.Benchmarks -c Release -nologo -v quiet >/dev/null
  bench="dotnet tests/TradeAnalyzer.Benchmarks/bin/Release/net10.0/TradeAnalyzer.Benchmarks.dll"
fi
[ -d bench/node_modules/@duckdb ] || npm install --prefix bench --no-audit --no-fund --loglevel=error >/dev/null

data=bench/data-$shipments
[ -f "$data/declarations.csv" ] || $cli sample --out "$data" --shipments "$shipments" --quiet >> "$log"

# run NAME COMMAND...: runs a benchmark, appends its whole output to the log, keeps it in $output and its RESULT line
# in $result.
result="" output=""
run() {
  local name=$1
  shift
  echo "### $name: $*" >> "$log"
  output=$("$@" 2>&1) || { echo "$output" >> "$log"; echo "bench/run.sh: $name failed (bench/last-run.log has its output)" >&2; exit 1; }
  echo "$output" >> "$log"
  result=$(echo "$output" | grep '^RESULT' | tail -1 || true)
}
field() { echo "$result" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; } # a value of the last RESULT line
stats() { # numbers on stdin -> "mean min max"
  awk '{ s += $1; if (NR == 1 || $1 < lo) lo = $1; if (NR == 1 || $1 > hi) hi = $1 } END { printf "%.2f %.2f %.2f\n", s / NR, lo, hi }'
}
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
yes_if() { awk "BEGIN { print (($1) ? \"yes\" : \"no\") }"; }

echo "== Full analyze (both files, all detectors, all outputs) alternated with the DuckDB yardstick (price filter only)"
duck=() full=() peaks=()
duckdb() { run duckdb node bench/duckdb-price.mjs "$data"; duck+=("$(field seconds)"); echo "  duckdb price query   $(field seconds) s"; }
duckdb
for ((i = 1; i <= rounds; i++)); do
  run e2e $bench e2e "$data"
  full+=("$(field seconds)") peaks+=("$(field peak_mib)")
  echo "  full analyze         $(field seconds) s, cpu $(field cpu_seconds) s, peak $(field peak_mib) MiB"
  duckdb
done
read -r duck_mean duck_min duck_max < <(printf '%s\n' "${duck[@]}" | stats)
read -r full_mean full_min full_max < <(printf '%s\n' "${full[@]}" | stats)
peak_max=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -1)
ratio=$(calc "$full_mean / $duck_mean")
echo "  means: full $full_mean s ($full_min-$full_max), duckdb $duck_mean s ($duck_min-$duck_max); ratio ${ratio}x"

if [ "${LOAD:-1}" = 1 ]; then
  echo "== DuckDB loading both files with every column (what our read stage does; a second yardstick)"
  run duckdb-load node bench/duckdb-load.mjs "$data"
  echo "$output" | grep '^duckdb load' | sed 's/^/  /'
fi

lin=""
if [ "${LINEARITY:-1}" = 1 ]; then
  data2=bench/data-$((shipments * 2))
  [ -f "$data2/declarations.csv" ] || $cli sample --out "$data2" --shipments $((shipments * 2)) --quiet >> "$log"
  echo "== Linearity: twice the input, $rounds pairs (odd pairs run 1x first, even pairs 2x first)"
  ratios=()
  for ((i = 1; i <= rounds; i++)); do
    if ((i % 2)); then
      run e2e-1x $bench e2e "$data"; one=$(field seconds)
      run e2e-2x $bench e2e "$data2"; two=$(field seconds)
    else
      run e2e-2x $bench e2e "$data2"; two=$(field seconds)
      run e2e-1x $bench e2e "$data"; one=$(field seconds)
    fi
    r=$(calc "$two / $one")
    ratios+=("$r")
    echo "  pair $i: 2x $two s / 1x $one s = ${r}x"
  done
  read -r lin lin_min lin_max < <(printf '%s\n' "${ratios[@]}" | stats)
  lin_over=$(printf '%s\n' "${ratios[@]}" | awk '$1 > 2.2 { n++ } END { print n + 0 }')
  echo "  mean ${lin}x ($lin_min-$lin_max), $lin_over of $rounds pairs over 2.2x"
fi

if [ "${STAGES:-1}" = 1 ]; then
  echo "== Stage by stage, one at a time (CPU time and bytes allocated per stage; whole table in bench/last-run.log)"
  run stages $bench stages "$data"
  echo "$output" | grep -E '^  (read|detect\.|profile|score)' | sed -E 's/ {2,}/ /g; s/^/  /'
fi

echo "== One upload of about 10,000 lines against stored baselines of $history history lines, $rounds times"
up=()
for ((i = 1; i <= rounds; i++)); do
  run upload $bench upload "$history"
  up+=("$(field seconds)")
  echo "  upload               $(field seconds) s"
done
read -r up_mean up_min up_max < <(printf '%s\n' "${up[@]}" | stats)

echo "== Upload workbook with 200,000 flags, $rounds times"
rep=()
for ((i = 1; i <= rounds; i++)); do
  run report $bench report 200000
  sec=$(field seconds)
  # builds from before the RESULT line: the seconds from the human line
  [ -n "$sec" ] || sec=$(echo "$output" | sed -n 's/^report.xlsx: .* in \([0-9.]*\) s wall.*/\1/p')
  rep+=("$sec")
  echo "  report.xlsx          $sec s${result:+, peak $(field peak_mib) MiB}"
done
read -r rep_mean rep_min rep_max < <(printf '%s\n' "${rep[@]}" | stats)

# 1.5 GB read as 1.5e9 bytes = 1,430 MiB (the stricter reading).
met_ratio=$(yes_if "$ratio <= 3") met_peak=$(yes_if "$peak_max < 1430") met_up=$(yes_if "$up_mean < 2") met_rep=$(yes_if "$rep_mean < 10")
echo
echo "== Targets ($rounds rounds, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, $bench)"
row() { printf '%-44s %-46s %-10s %s\n' "$@"; }
row target figure limit met
row "full analyze / DuckDB price query" "$full_mean s / $duck_mean s = ${ratio}x (means)" "3x" "$met_ratio"
row "peak memory of the full analyze" "$peak_max MiB (highest of $rounds)" "1.5 GB" "$met_peak"
met_lin=skipped
if [ -n "$lin" ]; then
  met_lin=$(yes_if "$lin <= 2.2")
  row "2x rows / 1x rows" "${lin}x (mean of $rounds pairs, $lin_min-$lin_max)" "2.2x" "$met_lin"
fi
row "upload of ~10,000 lines vs $history history" "$up_mean s (mean, $up_min-$up_max)" "2 s" "$met_up"
row "workbook with 200,000 flags" "$rep_mean s (mean, $rep_min-$rep_max)" "10 s" "$met_rep"

if [ "${STRICT:-0}" = 1 ]; then
  for m in "$met_ratio" "$met_peak" "$met_lin" "$met_up" "$met_rep"; do
    if [ "$m" = no ]; then exit 1; fi
  done
fi
exit 0
