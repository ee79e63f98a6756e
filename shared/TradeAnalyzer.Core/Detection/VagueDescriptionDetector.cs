using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// VAGUE_DESCRIPTION: a goods description too generic to identify the goods (FATF/Egmont red flag). The description
/// is folded (case, accents), split into words, and stop words and numbers dropped; it is vague when 1 to
/// <see cref="MaxTokens"/> meaningful words remain and every one is a generic term (<see cref="GenericTerms"/>, English
/// and Spanish). A specific description that merely contains a generic word ("ephedrine hydrochloride chemical
/// grade") is not vague; a missing description is not this flag's concern.
/// </summary>
public sealed class VagueDescriptionDetector : IDetector
{
    /// <summary>Most meaningful words a vague description has ("various spare parts" has 3).</summary>
    public const int MaxTokens = 3;

    /// <summary>Score of a vague description; higher (<see cref="ChemicalScore"/>) for chemicals chapters 28, 29, 38.</summary>
    public const double BaseScore = 45;

    /// <summary>Score for HS chapters 28, 29 and 38, where a vague description hides which chemical is shipped.</summary>
    public const double ChemicalScore = 55;

    /// <summary>Generic words (folded upper case), English and Spanish, singular and plural.</summary>
    public static IReadOnlySet<string> GenericTerms { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // English
        "CHEMICAL", "CHEMICALS", "PRODUCT", "PRODUCTS", "SAMPLE", "SAMPLES", "PART", "PARTS", "GOODS", "MERCHANDISE",
        "GENERAL", "CARGO", "VARIOUS", "SPARE", "SPARES", "MACHINERY", "MACHINE", "MACHINES", "ITEM", "ITEMS",
        "MATERIAL", "MATERIALS", "ACCESSORIES", "EQUIPMENT", "MISC", "MISCELLANEOUS", "SUPPLIES", "ASSORTED", "MIXED",
        "OTHER", "OTHERS", "STUFF", "INDUSTRIAL", "RAW", "COMMODITY", "COMMODITIES", "FAK", "STC", "CONSUMABLES",
        "POWDER", "LIQUID", "ARTICLES",
        // Spanish
        "MERCANCIA", "MERCANCIAS", "MERCADERIA", "MERCADERIAS", "PRODUCTO", "PRODUCTOS", "QUIMICO", "QUIMICOS",
        "QUIMICA", "QUIMICAS", "MUESTRA", "MUESTRAS", "PARTE", "PARTES", "VARIOS", "VARIAS", "REFACCION", "REFACCIONES",
        "REPUESTOS", "MAQUINARIA", "ARTICULOS", "MATERIALES", "DIVERSOS", "DIVERSAS", "GENERALES", "CARGA", "OTROS",
        "INSUMOS", "POLVO", "LIQUIDO", "ACCESORIOS", "EQUIPO", "SURTIDOS",
    };

    /// <summary>Words that carry no meaning for identification (articles, prepositions), English and Spanish.</summary>
    public static IReadOnlySet<string> StopWords { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "A", "AN", "THE", "OF", "AND", "FOR", "IN", "ON", "WITH", "AS", "PER", "TO", "OR",
        "DE", "DEL", "LA", "LAS", "EL", "LOS", "Y", "E", "PARA", "CON", "EN", "POR", "O", "UN", "UNA",
    };

    /// <inheritdoc />
    public string Name => "vague";

    /// <inheritdoc />
    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        var spanish = context.Options.Spanish;
        var lines = context.Declarations;

        // Descriptions repeat (ingestion pools them): decide each distinct text once instead of folding it per line,
        // and each thread finds the verdict by string instance (an identity hash, no hash of the text per line; a line
        // repeating the previous line's description needs no look-up).
        var decided = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        bool Decide(DeclarationLine line)
        {
            var description = line.Description!;
            if (!decided.TryGetValue(description, out var vague))
            {
                vague = IsVague(description);
                if (decided.Count < MaxRemembered)
                {
                    decided.TryAdd(description, vague);
                }
            }

            return vague;
        }

        // Most lines only compare their description with the previous line's, so the loop waits on the record and its
        // goods part: both are prefetched ahead within the range (Detection/RecordSpan), so that the misses overlap.
        Parallel.ForEach(Ranges.Of(lines.Count), () => new PartMemo<string, bool>(Decide), (range, _, memo) =>
        {
            var span = RecordSpan.Of(lines, out var all) ? all[..range.Item2] : default;
            for (var i = range.Item1; i < range.Item2; i++)
            {
                if (RecordSpan.Ahead(span, i) is { } near)
                {
                    CacheHint.Object(near.GoodsRef);
                }

                var line = span.Length != 0 ? span[i] : lines[i];
                var description = line.Description;

                // A blank description is not vague (IsVague): the memo decides it like any other text.
                if (description is not null && memo.Of(description, line))
                {
                    Flag(line, description, spanish, sink);
                }
            }

            return memo;
        }, static _ => { });
    }

    /// <summary>The flag of a vague line.</summary>
    private static void Flag(DeclarationLine line, string description, bool spanish, IFlagSink sink)
    {
        var chapter = line.Hs.Chapter;
        var chemical = chapter is "28" or "29" or "38";
        // Straight into the flag's chunk (FlagTexts.Writer), worded as the strings were; the description trimmed
        // as string.Trim trims (char.IsWhiteSpace), without a copy.
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Expected, spanish ? "descripción específica (nombre, grado, CAS)" : "a specific description (name, grade, CAS)");
        var text = w.Put(FlagTexts.Observed, Inv, $"{description.AsSpan().Trim()}");
        if (spanish)
        {
            w.Put(FlagTexts.Explanation, Inv, $"La descripción \"{text}\" de HS {DeclarationFlags.HsText(line.Hs)} ({line.ValueUsd:N2} USD) es demasiado genérica para identificar la mercancía{(chemical ? "; no nombra el químico ni su número CAS" : string.Empty)}.");
        }
        else
        {
            w.Put(FlagTexts.Explanation, Inv, $"The description \"{text}\" for HS {DeclarationFlags.HsText(line.Hs)} ({line.ValueUsd:N2} USD) is too generic to identify the goods{(chemical ? "; it names no chemical or CAS number" : string.Empty)}.");
        }

        sink.Add(DeclarationFlags.Create(line, FlagCode.VagueDescription, chemical ? ChemicalScore : BaseScore, w.End()));
    }

    /// <summary>Numbers in the texts as <see cref="DeclarationFlags.N2"/> formats them: invariant culture.</summary>
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    /// <summary>Most distinct descriptions whose verdict is remembered during one analysis.</summary>
    private const int MaxRemembered = 100_000;

    /// <summary>True when the description is present and made only of 1 to <see cref="MaxTokens"/> generic words.</summary>
    public static bool IsVague(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return false;
        }

        var folded = PartyNames.Fold(description);
        var meaningful = 0;
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var isWordChar = i < folded.Length && char.IsLetterOrDigit(folded[i]);
            if (isWordChar)
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start < 0)
            {
                continue;
            }

            var token = folded[start..i];
            start = -1;
            if (StopWords.Contains(token) || token.All(char.IsAsciiDigit))
            {
                continue;
            }

            if (!GenericTerms.Contains(token) || ++meaningful > MaxTokens)
            {
                return false;
            }
        }

        return meaningful > 0;
    }
}
