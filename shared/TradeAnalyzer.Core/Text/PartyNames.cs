using System.Text;

namespace TradeAnalyzer.Core.Text;

/// <summary>
/// Normalises trader names so that the same company written differently compares equal: case and accents folded,
/// punctuation removed, legal forms dropped ("Química Delta, S.A. de C.V." and "QUIMICA DELTA SA DE CV" both
/// become "QUIMICA DELTA"). Used for exporter keys, mirror and invoice party matching, and sanctions screening.
/// </summary>
public static class PartyNames
{
    // Multi-token legal forms first (after punctuation is removed, "S.A. de C.V." reads "SA DE CV").
    private static readonly string[][] LegalForms =
    [
        ["S", "A", "P", "I", "DE", "C", "V"], ["SAPI", "DE", "CV"], ["S", "A", "B", "DE", "C", "V"], ["SAB", "DE", "CV"],
        ["S", "A", "DE", "C", "V"], ["SA", "DE", "CV"], ["S", "DE", "R", "L", "DE", "C", "V"], ["S", "DE", "RL", "DE", "CV"],
        ["S", "DE", "R", "L"], ["S", "DE", "RL"], ["SRL", "DE", "CV"], ["COMPANY", "LIMITED"], ["CO", "LIMITED"], ["CO", "LTD"],
        ["PVT", "LTD"], ["PRIVATE", "LIMITED"], ["PTE", "LTD"], ["SDN", "BHD"], ["PTY", "LTD"], ["L", "L", "C"], ["S", "A"],
        ["S", "L"], ["S", "R", "L"], ["B", "V"], ["N", "V"], ["A", "G"], ["CO", "KG"], ["GMBH", "CO", "KG"],
        ["LLC"], ["LTD"], ["LIMITED"], ["INC"], ["INCORPORATED"], ["CORP"], ["CORPORATION"], ["CO"], ["COMPANY"],
        ["GMBH"], ["AG"], ["KG"], ["SA"], ["SAS"], ["SRL"], ["SL"], ["SPA"], ["BV"], ["NV"], ["PLC"], ["LLP"], ["LP"],
        ["PTE"], ["PVT"], ["OY"], ["AB"], ["AS"], ["SARL"], ["KK"], ["CV"], ["SAPI"], ["SAB"],
    ];

    /// <summary>Upper-case, accent-free, punctuation-free tokens, legal forms removed (unless that leaves nothing).</summary>
    public static string Normalize(string? name)
    {
        var tokens = Tokens(name);
        return string.Join(' ', tokens);
    }

    /// <summary>The tokens of <see cref="Normalize"/>.</summary>
    public static List<string> Tokens(string? name)
    {
        var tokens = RawTokens(name);
        StripLegalForms(tokens);
        return tokens;
    }

    /// <summary>Exporter/importer identity: "ID:" and the id's letters and digits when an id is given, else "N:" and the normalised name.</summary>
    public static string Key(string? name, string? id)
    {
        if (!string.IsNullOrWhiteSpace(id))
        {
            var sb = new StringBuilder(id.Length + 3).Append("ID:");
            foreach (var c in id)
            {
                if (char.IsLetterOrDigit(c))
                {
                    sb.Append(char.ToUpperInvariant(c));
                }
            }

            if (sb.Length > 3)
            {
                return sb.ToString();
            }
        }

        return "N:" + Normalize(name);
    }

    // Latin-1 Supplement and Latin Extended-A letters and their unaccented upper-case base letters. The analyzer runs
    // with invariant globalization, where string.Normalize does not decompose, so the table is explicit.
    private const string AccentedLetters = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳßÆæØøĐđŁłŒœÞþÐðıĦħ";
    private const string BaseLetters = "AAAAAACEEEEIIIINOOOOOUUUUYAAAAAACEEEEIIIINOOOOOUUUUYYAAAAAACCCCCCCCDDEEEEEEEEEEGGGGGGGGHHIIIIIIIIIJJKKLLLLLLNNNNNNOOOOOORRRRRRSSSSSSSSTTTTUUUUUUUUUUUUWWYYYZZZZZZOOUUAAIIOOUUUUUUUUUUAAAAGGKKOOOOJGGNNAAAAAAEEEEIIIIOOOORRRRUUUUSSTTHHAAEEOOOOOOOOYYSAAOODDLLOOTTDDIHH";

    /// <summary>Folds accents and case: "Química" becomes "QUIMICA", "Straße" becomes "STRASE".</summary>
    public static string Fold(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c < 128)
            {
                sb.Append(char.ToUpperInvariant(c));
                continue;
            }

            var i = AccentedLetters.IndexOf(c, StringComparison.Ordinal);
            sb.Append(i >= 0 ? BaseLetters[i] : char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }

    private static List<string> RawTokens(string? name)
    {
        var tokens = new List<string>();
        if (string.IsNullOrWhiteSpace(name))
        {
            return tokens;
        }

        var folded = Fold(name);
        var sb = new StringBuilder();
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (c is '.' or '\'' or '\u2019')
            {
                // "S.A." reads "SA" only when dots join single letters; keep them as separators otherwise.
                if (sb.Length > 0)
                {
                    tokens.Add(sb.ToString());
                    sb.Clear();
                }
            }
            else if (c == '&')
            {
                Flush();
                tokens.Add("AND");
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (sb.Length > 0)
            {
                tokens.Add(sb.ToString());
                sb.Clear();
            }
        }
    }

    private static void StripLegalForms(List<string> tokens)
    {
        // Remove legal forms from the end (repeatedly: "Foo Co., Ltd." ends with CO LTD), never the whole name.
        var changed = true;
        while (changed && tokens.Count > 1)
        {
            changed = false;
            foreach (var form in LegalForms)
            {
                if (tokens[^1] == "AND")
                {
                    tokens.RemoveAt(tokens.Count - 1);
                    changed = true;
                    break;
                }

                if (form.Length < tokens.Count && EndsWith(tokens, form))
                {
                    tokens.RemoveRange(tokens.Count - form.Length, form.Length);
                    changed = true;
                    break;
                }
            }
        }

        // A trailing "AND" left behind ("Smith & Co" -> "SMITH AND") goes too.
        if (tokens.Count > 1 && tokens[^1] == "AND")
        {
            tokens.RemoveAt(tokens.Count - 1);
        }
    }

    private static bool EndsWith(List<string> tokens, string[] form)
    {
        var offset = tokens.Count - form.Length;
        for (var i = 0; i < form.Length; i++)
        {
            if (!string.Equals(tokens[offset + i], form[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
