#!/usr/bin/env bash
# Compiles an executable ahead of time (Native AOT): no method is compiled while a run works, which saves CPU on every
# run (docs/benchmarks.md, "Native AOT"). Needs a C toolchain as the linker (clang, or gcc: Debian's build-essential)
# and takes 5-10 minutes on 2 cores. The JIT build (`dotnet build`, run.sh) needs none of this and gives the same
# results.
#
#   ./publish-aot.sh [cli]     the `tradeanalyzer` command line  -> artifacts/aot/cli/tradeanalyzer
#   ./publish-aot.sh bench     the benchmarks (e2e, upload, report, ...) -> artifacts/aot/bench/TradeAnalyzer.Benchmarks
#   ./publish-aot.sh check     publishes the command line, then analyses the bundled samples with it and with the JIT
#                              build and compares the outputs: data files byte for byte, the workbook part by part
#                              (its creation time and the timings on the About sheet aside); then ingests the samples
#                              into a store with each build and compares exporter --list, the weekly digest and the
#                              riskiest exporter's review workbook; then runs `serve` from each build over its store
#                              and compares the review API's answers (needs curl and python3)
#   ./publish-aot.sh compare   the same comparison with the executable published before
#
# KEEP_WORK=1 keeps the comparison's temporary folder (its path is in the outputs printed).
# AOT_ISA sets the instruction set (default x86-64-v3: any machine with AVX2; `native`: the build machine's own).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
what=${1:-cli}

if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
  echo "publish-aot: Native AOT needs clang or gcc as its linker (Debian: apt-get install clang, or build-essential)." >&2
  exit 2
fi

unpack() { # workbook folder: its parts, without the creation time (docProps/core.xml) and with the "Generated" minute blanked
  mkdir "$2" && (cd "$2" && unzip -q "$1") && rm -f "$2/docProps/core.xml"
  sed -i -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}(:[0-9]{2})? UTC/(generated)/g' "$2"/xl/worksheets/*.xml
}

publish() { # project output-folder
  echo "Publishing $1 ahead of time into $2 (5-10 minutes on 2 cores) ..."
  dotnet publish "$1" -c Release -r linux-x64 -p:PublishAot=true ${AOT_ISA:+-p:IlcInstructionSet=$AOT_ISA} \
    -o "$2" -nologo -v quiet
}

case "$what" in
  cli) publish functions/TradeAnalyzer.Cli artifacts/aot/cli ;;
  bench) publish tests/TradeAnalyzer.Benchmarks artifacts/aot/bench ;;
  check|compare)
    [ "$what" = compare ] || publish functions/TradeAnalyzer.Cli artifacts/aot/cli
    dotnet build functions/TradeAnalyzer.Cli -c Release -nologo -v quiet >/dev/null
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
    [ -z "${KEEP_WORK:-}" ] || trap - EXIT
    # Each build's command line by the build's name: "${!c}" runs it after c="cli_$b[@]".
    cli_jit=(dotnet functions/TradeAnalyzer.Cli/bin/Release/net10.0/tradeanalyzer.dll)
    cli_aot=(artifacts/aot/cli/tradeanalyzer)
    inputs=(samples/declarations.csv samples/invoices.csv samples/declarations_messy.csv samples/fx.csv --sanctions samples/sanctions.csv)
    "${cli_jit[@]}" analyze "${inputs[@]}" --out "$work/jit" --store "$work/store-jit" -q
    "${cli_aot[@]}" analyze "${inputs[@]}" --out "$work/aot" --store "$work/store-aot" -q
    for f in flags.csv flags.json exporters.csv rejected.csv; do
      cmp "$work/jit/$f" "$work/aot/$f" || { echo "publish-aot check: $f differs between the JIT and AOT builds" >&2; exit 1; }
    done
    # The workbook: the same parts, each identical, except its creation time (docProps/core.xml), the About sheet
    # (the run's timings) and the "Generated" minute on the Summary sheet.
    for b in jit aot; do
      unpack "$work/$b/report.xlsx" "$work/x$b"
      rid=$(grep -o '<[a-z]*:*sheet [^>]*name="About"[^>]*>' "$work/x$b/xl/workbook.xml" | grep -o 'r:id="[^"]*"' | cut -d'"' -f2)
      about=$(grep -o "<Relationship [^>]*Id=\"$rid\"[^>]*>" "$work/x$b/xl/_rels/workbook.xml.rels" | grep -o 'Target="[^"]*"' | cut -d'"' -f2)
      rm -f "$work/x$b/xl/${about#/xl/}"
    done
    if ! diff -r -q "$work/xjit" "$work/xaot"; then
      echo "publish-aot check: the workbooks differ (parts listed above)" >&2; exit 1
    fi
    # The stored history's workbooks: ingest the samples into a store per build, then the weekly digest of the samples'
    # last week and the review workbook of the riskiest exporter; the same parts, each identical, but the creation time.
    week=$(date -u -d "$(cut -d, -f4 samples/declarations.csv | grep -E '^[0-9]{4}-' | sort | tail -1)" +%G-W%V)
    for b in jit aot; do
      c="cli_$b[@]"
      "${!c}" ingest samples/declarations.csv samples/invoices.csv --store "$work/hist-$b" > "$work/$b-ingest.txt"
      "${!c}" exporter --list --top 10 --store "$work/hist-$b" > "$work/$b-list.txt"
      "${!c}" digest --week "$week" --store "$work/hist-$b" --out "$work/$b-digest.xlsx" > /dev/null
      top=$(head -1 "$work/$b-list.txt" | sed -E 's/.*USD at risk +//; s/ \[ID:[^]]*\]$//')
      "${!c}" exporter "$top" --store "$work/hist-$b" --out "$work/$b-exporter.xlsx" > /dev/null
    done
    cmp "$work/jit-list.txt" "$work/aot-list.txt" || { echo "publish-aot check: exporter --list differs" >&2; exit 1; }
    for f in digest exporter; do
      for b in jit aot; do unpack "$work/$b-$f.xlsx" "$work/$f-$b"; done
      diff -r -q "$work/$f-jit" "$work/$f-aot" || { echo "publish-aot check: the $f workbooks differ (parts listed above)" >&2; exit 1; }
    done
    # The local host: `serve` over each build's store on a free port; the review API's answers compared (the exporter
    # list and detail, the review workbook part by part, a refused key, an unknown exporter, a bad query, a posted
    # disposition and a refused one).
    enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
    for b in jit aot; do
      c="cli_$b[@]"
      TRADEANALYZER_API_KEY=check-key "${!c}" serve --store "$work/hist-$b" --port 0 > "$work/$b-serve.txt" 2>&1 &
      pid=$!
      for _ in $(seq 1 150); do grep -q 'Serving on' "$work/$b-serve.txt" && break; sleep 0.2; done
      url=$(grep -o 'Serving on http://[^;]*' "$work/$b-serve.txt" | cut -d' ' -f3 || true)
      [ -n "$url" ] || { kill "$pid" 2>/dev/null; cat "$work/$b-serve.txt" >&2; echo "publish-aot check: serve ($b) did not start" >&2; exit 1; }
      k=(-H "x-api-key: check-key")
      ek=$(enc "$(curl -s "${k[@]}" "$url/api/exporters?top=3" | grep -o '"key":"[^"]*"' | head -1 | cut -d'"' -f4)")
      curl -s -f "${k[@]}" -o "$work/$b-api-review.xlsx" "$url/api/exporters/$ek/review.xlsx" || { kill "$pid"; echo "publish-aot check: serve ($b) gave no review workbook" >&2; exit 1; }
      {
        curl -s -w ' %{http_code}\n' "${k[@]}" "$url/api/exporters?top=3"
        curl -s -w ' %{http_code}\n' "${k[@]}" "$url/api/exporters/$ek"
        curl -s -w ' %{http_code}\n' "$url/api/exporters?top=3"
        curl -s -w ' %{http_code}\n' -H "x-api-key: wrong" "$url/api/exporters"
        curl -s -w ' %{http_code}\n' "${k[@]}" "$url/api/exporters/no-such-exporter"
        curl -s -w ' %{http_code}\n' "${k[@]}" "$url/api/exporters?top=many"
        curl -s -o /dev/null -w '%{http_code}\n' "${k[@]}" -H 'content-type: application/json' -d '{"status":"cleared","note":"checked","analyst":"publish-aot"}' "$url/api/exporters/$ek/dispositions"
        curl -s -w ' %{http_code}\n' "${k[@]}" -H 'content-type: application/json' -d '{"status":"=cmd","analyst":"x"}' "$url/api/exporters/$ek/dispositions"
      } > "$work/$b-api.txt"
      # SIGTERM: a background job of a script ignores SIGINT. The host stops cleanly (exit code 0) on either.
      kill -TERM "$pid"; wait "$pid" || { echo "publish-aot check: serve ($b) did not stop cleanly" >&2; exit 1; }
      unpack "$work/$b-api-review.xlsx" "$work/api-review-$b"
    done
    cmp "$work/jit-api.txt" "$work/aot-api.txt" || { diff "$work/jit-api.txt" "$work/aot-api.txt" | cut -c1-300 >&2; echo "publish-aot check: the review API answers differ" >&2; exit 1; }
    diff -r -q "$work/api-review-jit" "$work/api-review-aot" || { echo "publish-aot check: the review API's workbooks differ" >&2; exit 1; }
    grep -q ' 200$' "$work/aot-api.txt" && grep -q '^201$' "$work/aot-api.txt" || { cat "$work/aot-api.txt" >&2; echo "publish-aot check: the review API did not answer" >&2; exit 1; }
    echo "publish-aot check: the AOT build's outputs equal the JIT build's ($(ls "$work/xaot/xl/worksheets"/*.xml | wc -l) sheets compared besides About; the $week digest and the review workbook of \"$top\" too; serve's review API, $(wc -l < "$work/aot-api.txt") answers and the review workbook)"
    ;;
  *) echo "usage: ./publish-aot.sh [cli|bench|check|compare]" >&2; exit 2 ;;
esac
