#!/usr/bin/env bash
# The main job on the embedded default: analyse the bundled samples with a local folder as storage.
# Writes out/report.xlsx, flags.csv, flags.json, exporters.csv, rejected.csv and summary.json; history goes to
# .tradeanalyzer-store/. Extra arguments are passed to `tradeanalyzer analyze` (e.g. --lang es).
set -euo pipefail
cd "$(dirname "$0")"
dotnet build functions/TradeAnalyzer.Cli -c Release -v quiet -nologo >/dev/null
exec dotnet functions/TradeAnalyzer.Cli/bin/Release/net10.0/tradeanalyzer.dll analyze \
  samples/declarations.csv samples/invoices.csv samples/declarations_messy.csv samples/fx.csv \
  --sanctions samples/sanctions.csv \
  --out out --store .tradeanalyzer-store "$@"
