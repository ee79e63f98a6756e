#!/usr/bin/env bash
# The test command (README): installs Azurite locally if missing, builds, and runs every test project.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build TradeAnalyzer.sln -c Release
dotnet test TradeAnalyzer.sln -c Release --no-build
