using System.Text;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Header folding: "Fracción Arancelaria", "fraccion_arancelaria" and "FRACCION-ARANCELARIA" all become
/// "fraccionarancelaria" (lower case, accents folded, everything but letters and digits dropped).
/// </summary>
public static class HeaderNames
{
    /// <summary>Folds a header or alias for matching.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var folded = PartyNames.Fold(text.Trim().TrimStart('\uFEFF'));
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }
}
