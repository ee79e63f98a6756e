using System.CommandLine;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>Options several commands share, created fresh per command (System.CommandLine options belong to one command).</summary>
internal static class CommonOptions
{
    public const string DefaultStore = ".tradeanalyzer-store";

    public static Option<string?> Store() => new("--store")
    {
        Description = $"Local folder used as storage (history, reports). Default: {DefaultStore} in the current directory, unless --connection is given.",
    };

    public static Option<string?> Connection() => new("--connection")
    {
        Description = "Azure Storage connection string (or 'UseDevelopmentStorage=true' for Azurite), or an account URL https://ACCOUNT.blob.core.windows.net to use Entra ID. Also read from TRADEANALYZER_CONNECTION.",
    };

    public static Option<string> Language() => new("--lang")
    {
        Description = "Language of workbooks and explanations: en or es.",
        DefaultValueFactory = _ => "en",
    };

    public static Option<bool> Quiet() => new("--quiet", "-q") { Description = "No progress output." };

    /// <summary>Fails with a usage error when the file does not exist.</summary>
    public static string ExistingFile(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{option}: file not found: {path}");
        }

        return path;
    }

    public static FileKind? ParseKind(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return EnumText.TryParseFileKind(text, out var kind)
            ? kind
            : throw new UsageException($"--kind: unknown kind '{text}' (declarations, invoices, fx, baselines, sanctions, watchlist, jurisdictions, comtrade).");
    }

    public static string ParseLanguage(string? text) => (text ?? "en").Trim().ToLowerInvariant() switch
    {
        "en" => "en",
        "es" => "es",
        _ => throw new UsageException($"--lang: '{text}' is not supported (en, es)."),
    };

    /// <summary>The connection string from the option or the environment; never echoed anywhere.</summary>
    public static string? ResolveConnection(string? option) =>
        !string.IsNullOrWhiteSpace(option) ? option : Environment.GetEnvironmentVariable("TRADEANALYZER_CONNECTION");
}
