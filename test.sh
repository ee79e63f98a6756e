#!/usr/bin/env bash
# The test command (README): installs Azurite into .tools/ when missing (the integration tests start and stop it
# themselves on free ports), builds everything warnings-as-errors, runs unit and integration tests, checks the Bicep
# template (infra/check.sh), then a short bounded fuzzing pass (FUZZ_SECONDS, default 20).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ ! -x .tools/node_modules/.bin/azurite ] && ! command -v azurite >/dev/null 2>&1; then
  echo "Installing Azurite (npm) into .tools/ ..."
  npm install --prefix .tools --no-audit --no-fund --loglevel=error azurite@3 >/dev/null
fi

dotnet build TradeAnalyzer.sln -c Release -nologo -v quiet
dotnet test tests/TradeAnalyzer.UnitTests -c Release --no-build --logger "console;verbosity=minimal"
dotnet test tests/TradeAnalyzer.IntegrationTests -c Release --no-build --logger "console;verbosity=minimal"

# The Bicep template compiles and lints clean and matches the storage layout of the code.
./infra/check.sh

# A short, bounded fuzzing pass over the bundled samples (the full command runs for as long as you like; docs/cli.md).
dotnet functions/TradeAnalyzer.Cli/bin/Release/net10.0/tradeanalyzer.dll fuzz --seconds "${FUZZ_SECONDS:-20}" --seed "${FUZZ_SEED:-1}" \
  --crashes "${TMPDIR:-/tmp}/tradeanalyzer-fuzz-crashes"
