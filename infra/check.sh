#!/usr/bin/env bash
# Compiles and lints infra/main.bicep with the Bicep CLI and checks the template against the code: any Bicep
# diagnostic (error or warning, build or linter) fails, and the template must create exactly the containers and
# tables of StorageLayout (spec section 4). The CLI comes from NuGet (Azure.Bicep.CommandLine.<runtime>, restored into
# the NuGet cache by infra/tools/bicep-cli.csproj); BICEP=/path/to/bicep uses another one. Called by ./test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${BICEP:-}" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) runtime=linux-x64 ;;
    Linux-aarch64) runtime=linux-arm64 ;;
    Darwin-arm64) runtime=osx-arm64 ;;
    Darwin-x86_64) runtime=osx-x64 ;;
    *) echo "infra/check.sh: no Bicep CLI package for $(uname -s)-$(uname -m); set BICEP=/path/to/bicep" >&2; exit 1 ;;
  esac
  version=0.49.2
  dotnet restore infra/tools/bicep-cli.csproj -nologo -v quiet -p:BicepRuntime="$runtime" -p:BicepVersion="$version"
  packages="$(dotnet nuget locals global-packages -l | sed 's/^global-packages: *//')"
  BICEP="${packages%/}/azure.bicep.commandline.$runtime/$version/tools/bicep"
  chmod +x "$BICEP"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export BICEP_TRACING_ENABLED=false
status=0
"$BICEP" build infra/main.bicep --outfile "$out/main.json" >"$out/build.log" 2>&1 || status=$?
"$BICEP" lint infra/main.bicep >>"$out/build.log" 2>&1 || status=$?
if [ "$status" -ne 0 ] || [ -s "$out/build.log" ]; then
  echo "infra/check.sh: Bicep reported problems (exit $status):" >&2
  cat "$out/build.log" >&2
  exit 1
fi

node infra/check-layout.mjs "$out/main.json" shared/TradeAnalyzer.Storage/StorageLayout.cs
