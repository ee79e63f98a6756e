using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Normalization;

/// <summary>Parses Incoterms 2020 codes ("FOB", "cif", "FOB Shanghai": the first three letters count).</summary>
public static class Incoterms
{
    /// <summary>Parses the code; an empty text is <see cref="Incoterm.Unknown"/> and succeeds, an unrecognised one fails.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Incoterm incoterm)
    {
        incoterm = Incoterm.Unknown;
        var t = text.Trim();
        if (t.IsEmpty)
        {
            return true;
        }

        if (t.Length > 3 && char.IsLetter(t[3]))
        {
            return false;
        }

        if (t.Length < 3)
        {
            return false;
        }

        // The two usual codes as most files write them, before the upper-casing copy.
        if (t.Length == 3)
        {
            if (t is "FOB")
            {
                incoterm = Incoterm.Fob;
                return true;
            }

            if (t is "CIF")
            {
                incoterm = Incoterm.Cif;
                return true;
            }
        }

        Span<char> code = stackalloc char[3];
        for (var i = 0; i < 3; i++)
        {
            code[i] = char.ToUpperInvariant(t[i]);
        }

        incoterm = code switch
        {
            "EXW" => Incoterm.Exw,
            "FCA" => Incoterm.Fca,
            "FAS" => Incoterm.Fas,
            "FOB" => Incoterm.Fob,
            "CFR" or "CNF" => Incoterm.Cfr,
            "CIF" => Incoterm.Cif,
            "CPT" => Incoterm.Cpt,
            "CIP" => Incoterm.Cip,
            "DAP" or "DAT" => Incoterm.Dap,
            "DPU" => Incoterm.Dpu,
            "DDP" => Incoterm.Ddp,
            _ => Incoterm.Unknown,
        };
        return incoterm != Incoterm.Unknown;
    }

    /// <summary>The upper-case code, or an empty string for <see cref="Incoterm.Unknown"/>.</summary>
    public static string ToCode(Incoterm incoterm) => incoterm == Incoterm.Unknown ? string.Empty : incoterm.ToString().ToUpperInvariant();
}
