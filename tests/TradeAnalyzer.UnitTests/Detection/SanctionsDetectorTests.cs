using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;
using static TradeAnalyzer.UnitTests.Detection.RiskRecords;

namespace TradeAnalyzer.UnitTests.Detection;

public class SanctionsDetectorTests
{
    private static readonly SanctionsList List = SanctionsList.Parse(
    [
        ["9001", "ACME QUIMICA, S.A. DE C.V.", "-0-", "SDNTK", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
        ["9003", "HUBEI AMARVEL BIOTECH CO., LTD.", "-0-", "ILLICIT-DRUGS-EO14059", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
        ["9004", "GLOBAL INTERNATIONAL LTD", "-0-", "SDNTK", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
    ]);

    [Fact]
    public void Matching_exporter_is_flagged_with_entry_program_and_similarity()
    {
        var ctx = Context([Line(exporter: "Acme Quimica SA de CV", importer: "Farmacias del Norte", value: 30_000), Line(id: "D2")], sanctions: List);
        var f = Assert.Single(Run(new SanctionsDetector(), ctx));
        Assert.Equal(FlagCode.SanctionedParty, f.Code);
        Assert.Equal("D1", f.DeclarationId);
        Assert.Equal("Exporter 'Acme Quimica SA de CV' matches OFAC SDN entry 'ACME QUIMICA, S.A. DE C.V.' (program SDNTK, similarity 1.00).", f.Explanation);
        Assert.Equal(95, f.Score);
        Assert.Equal(30_000, f.ValueAtRiskUsd);
    }

    [Fact]
    public void Importer_and_invoice_payer_are_screened_too()
    {
        var ctx = Context(
            [Line(importer: "Amarvel Biotech Hubei Co Ltd")],
            [Invoice(payer: "ACME QUÍMICA S. de R.L.", number: "F-1"), Invoice(number: "F-2")],
            sanctions: List);
        var flags = Run(new SanctionsDetector(), ctx);
        Assert.Equal(2, flags.Count);
        Assert.Contains(flags, f => f.RecordType == RecordType.Declaration && f.Explanation.StartsWith("Importer ", StringComparison.Ordinal));
        Assert.Contains(flags, f => f.RecordType == RecordType.Invoice && f.InvoiceNumber == "F-1" && f.Explanation.StartsWith("Payer ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_common_word_in_a_company_name_is_not_a_match()
    {
        var ctx = Context([Line(exporter: "International Trading Co.", importer: "Global Logistics SA de CV"), Line(exporter: "Acme Industrial Supplies", id: "D2")], sanctions: List);
        Assert.Empty(Run(new SanctionsDetector(), ctx));
    }

    [Fact]
    public void Equal_names_in_different_string_instances_are_screened_once_and_all_flagged()
    {
        // Ingestion pools names per file, so the same name can arrive as two instances (two files, or a full pool).
        var name = "Acme Quimica SA de CV";
        var copy = new string(name.AsSpan());
        Assert.False(ReferenceEquals(name, copy));
        var ctx = Context(
            [Line(exporter: name, id: "D1"), Line(exporter: copy, id: "D2"), Line(exporter: "ACME QUIMICA SA DE CV", id: "D3"), Line(id: "D4")],
            sanctions: List);
        var flags = Run(new SanctionsDetector(), ctx);
        Assert.Equal(["D1", "D2", "D3"], flags.Select(f => f.DeclarationId).Order(StringComparer.Ordinal));
        Assert.Equal(flags[0].Explanation, flags.Single(f => f.DeclarationId == "D2").Explanation);

        // Names that differ only in case are distinct names (each screened, each quoted as written); equal names count once.
        Assert.Equal(4, ctx.Artifacts.Counters["sanctions.names_screened"]);
        Assert.Equal(2, ctx.Artifacts.Counters["sanctions.names_matched"]);
        Assert.Contains("'ACME QUIMICA SA DE CV'", flags.Single(f => f.DeclarationId == "D3").Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_repeated_by_the_next_record_in_another_role_gets_its_own_verdict()
    {
        // The per-role memo must not leak a verdict across roles: D2's importer is the name D1 had as exporter.
        var ctx = Context(
            [Line(exporter: "Acme Quimica SA de CV", importer: "Farmacias del Norte", id: "D1"), Line(exporter: "Farmacias del Norte", importer: "Acme Quimica SA de CV", id: "D2")],
            [Invoice(seller: "Acme Quimica SA de CV", buyer: "Farmacias del Norte", payer: "Acme Quimica SA de CV", number: "F-1")],
            sanctions: List);
        var flags = Run(new SanctionsDetector(), ctx);
        Assert.StartsWith("Exporter ", flags.Single(f => f.DeclarationId == "D1").Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Importer ", flags.Single(f => f.DeclarationId == "D2").Explanation, StringComparison.Ordinal);

        // The seller who also pays is named once.
        var invoice = flags.Single(f => f.RecordType == RecordType.Invoice);
        Assert.Equal("Seller 'Acme Quimica SA de CV' matches OFAC SDN entry 'ACME QUIMICA, S.A. DE C.V.' (program SDNTK, similarity 1.00).", invoice.Explanation);
    }

    [Fact]
    public void No_list_means_no_work_and_no_flags() =>
        Assert.Empty(Run(new SanctionsDetector(), Context([Line(exporter: "Acme Quimica SA de CV")])));

    [Fact]
    public void Texts_described_once_per_matched_combination_equal_the_texts_of_each_record()
    {
        // One matched exporter with many importers (matching or not), and invoices matching in several roles.
        var importers = new[] { "Farmacias del Norte", "Amarvel Biotech Hubei Co Ltd", "Global International Ltd.", "Distribuidora Sur" };
        var exporters = new[] { "Acme Quimica SA de CV", "ACME QUIMICA SA DE CV", "Shanghai Fine Chemical Co., Ltd." };
        var lines = new List<DeclarationLine>();
        for (var i = 0; i < 60; i++)
        {
            lines.Add(Line(exporter: exporters[i % exporters.Length], importer: importers[i % importers.Length], id: $"D{i}", value: 1_000 + i));
        }

        var invoices = new List<InvoiceLine>();
        for (var i = 0; i < 40; i++)
        {
            invoices.Add(Invoice(seller: exporters[i % exporters.Length], buyer: importers[(i / 3) % importers.Length], payer: i % 5 == 0 ? "Global International Ltd" : null, number: $"F-{i}", value: 500 + i));
        }

        var flags = Run(new SanctionsDetector(), Context(lines, invoices, sanctions: List));
        var screener = List.Screener;
        var threshold = new TradeAnalyzer.Core.Analysis.AnalysisOptions().SanctionsThreshold;
        SanctionsMatch? Hit(string? name) => screener.Screen(name, threshold) is { Count: > 0 } m ? m[0] : null;
        foreach (var d in lines)
        {
            var parts = new List<(string Role, string Name, SanctionsMatch Match)>();
            if (Hit(d.ExporterName) is { } ex)
            {
                parts.Add(("Exporter", d.ExporterName, ex));
            }

            if (Hit(d.ImporterName) is { } im)
            {
                parts.Add(("Importer", d.ImporterName, im));
            }

            var flag = flags.SingleOrDefault(f => f.RecordType == RecordType.Declaration && f.DeclarationId == d.DeclarationId);
            Assert.Equal(parts.Count > 0, flag is not null);
            if (flag is not null)
            {
                var (score, text, expected, observed) = SanctionsDetector.Describe(parts, threshold, spanish: false);
                Assert.Equal((score, text, expected, observed, d.ValueUsd), (flag.Score, flag.Explanation, flag.Expected!, flag.Observed!, flag.ValueAtRiskUsd!.Value));
            }
        }

        foreach (var inv in invoices)
        {
            var parts = new List<(string Role, string Name, SanctionsMatch Match)>();
            foreach (var (role, name) in new[] { ("Seller", inv.SellerName), ("Buyer", inv.BuyerName), ("Payer", inv.PayerName) })
            {
                if (name is not null && Hit(name) is { } m && !parts.Any(p => p.Name == name && ReferenceEquals(p.Match.Entry, m.Entry)))
                {
                    parts.Add((role, name, m));
                }
            }

            var flag = flags.SingleOrDefault(f => f.RecordType == RecordType.Invoice && f.InvoiceNumber == inv.InvoiceNumber);
            Assert.Equal(parts.Count > 0, flag is not null);
            if (flag is not null)
            {
                var (score, text, expected, observed) = SanctionsDetector.Describe(parts, threshold, spanish: false);
                Assert.Equal((score, text, expected, observed), (flag.Score, flag.Explanation, flag.Expected!, flag.Observed!));
            }
        }
    }

    [Fact]
    public void Records_in_a_list_an_array_or_another_collection_give_the_same_flags_in_the_same_order()
    {
        // A list or an array is scanned as a span with prefetches ahead of the record; any other collection one record
        // at a time. Names change in runs of uneven length (the role memos), fuzzy and alias matches included, and the
        // last records (inside the prefetch distance, where no prefetch is made) match too.
        var list = SanctionsList.Parse(
            [
                ["9001", "ACME QUIMICA, S.A. DE C.V.", "-0-", "SDNTK", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
                ["9002", "GUZMAN LOERA, Joaquin", "individual", "SDNTK", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
                ["9003", "HUBEI AMARVEL BIOTECH CO., LTD.", "-0-", "ILLICIT-DRUGS-EO14059", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
            ],
            [["9003", "501", "aka", "AMARVEL BIOTECHNOLOGY", "-0-"], ["9002", "502", "aka", "EL CHAPO", "-0-"]]);
        var names = new[]
        {
            "Farmacias del Norte", "Acme Quimica SA de CV", "El Chapo", "ACME QUÍMICA S. de R.L.", "Amarvel Biotechnology",
            "Hubei Amarvel Biotech Co", "Distribuidora Sur", "International Trading Co.", "Shanghai Fine Chemical Co., Ltd.",
        };
        var lines = new List<DeclarationLine>();
        var invoices = new List<InvoiceLine>();
        for (var i = 0; i < 97; i++)
        {
            var run = i / (1 + (i % 4));
            lines.Add(Line(exporter: names[run % names.Length], importer: names[(i * 5) % names.Length], id: $"D{i}", value: 100 + i));
            invoices.Add(Invoice(seller: names[(run + 2) % names.Length], buyer: names[(i / 3) % names.Length], payer: i % 3 == 0 ? names[i % names.Length] : null, number: $"F-{i}", value: 50 + i));
        }

        lines.Add(Line(exporter: "El Chapo", importer: "Farmacias del Norte", id: "D-last"));
        invoices.Add(Invoice(seller: "Distribuidora Sur", buyer: "Farmacias del Norte", payer: "Amarvel Biotechnology", number: "F-last"));

        static List<(RecordType, string?, string?, double, string, string?, string?, double?)> Flags(List<Flag> flags) =>
            [.. flags.Select(f => (f.RecordType, f.DeclarationId, f.InvoiceNumber, f.Score, f.Explanation, f.Expected, f.Observed, f.ValueAtRiskUsd))];

        var fromList = Flags(Run(new SanctionsDetector(), Context(lines, invoices, sanctions: list)));
        var fromArray = Flags(Run(new SanctionsDetector(), Context(lines.ToArray(), invoices.ToArray(), sanctions: list)));
        var fromOther = Flags(Run(new SanctionsDetector(), Context(lines.AsReadOnly(), invoices.AsReadOnly(), sanctions: list)));
        Assert.Equal(fromOther, fromList);
        Assert.Equal(fromOther, fromArray);

        // The matches themselves: exact after normalisation, fuzzy, and by alias (which the text names).
        Assert.True(fromList.Count > 60, $"{fromList.Count} flags");
        Assert.Equal("Exporter 'El Chapo' matches OFAC SDN entry 'GUZMAN LOERA, Joaquin', alias 'EL CHAPO' (program SDNTK, similarity 1.00).", fromList.Single(f => f.Item2 == "D-last").Item5);
        Assert.Equal("Payer 'Amarvel Biotechnology' matches OFAC SDN entry 'HUBEI AMARVEL BIOTECH CO., LTD.', alias 'AMARVEL BIOTECHNOLOGY' (program ILLICIT-DRUGS-EO14059, similarity 1.00).", fromList.Single(f => f.Item3 == "F-last").Item5);
        Assert.Contains(fromList, f => f.Item5.StartsWith("Exporter 'Hubei Amarvel Biotech Co' matches OFAC SDN entry 'HUBEI AMARVEL BIOTECH CO., LTD.'", StringComparison.Ordinal));
        Assert.DoesNotContain(fromList, f => f.Item5.Contains("'International Trading Co.' matches", StringComparison.Ordinal));
        var threshold = new TradeAnalyzer.Core.Analysis.AnalysisOptions().SanctionsThreshold;
        var matching = names.Where(n => list.Screener.Screen(n, threshold).Count > 0).ToArray();
        Assert.Equal(names.AsSpan(1, 5).ToArray(), matching);
        var declarationsFlagged = lines.Count(d => matching.Contains(d.ExporterName) || matching.Contains(d.ImporterName));
        Assert.Equal(declarationsFlagged, fromList.Count(f => f.Item1 == RecordType.Declaration));
    }

    [Fact]
    public void Remembered_texts_are_bounded_and_stay_right_after_clearing()
    {
        var texts = new SanctionsDetector.Descriptions<int>();
        for (var i = 0; i < SanctionsDetector.Descriptions<int>.MaxRemembered + 10; i++)
        {
            Assert.False(texts.TryGet(i, out _));
            texts.Add(i, (i, $"t{i}", $"e{i}", $"o{i}"));
            Assert.True(texts.TryGet(i, out var d));
            Assert.Equal(new SanctionsDetector.Described(i, $"t{i}", $"e{i}", $"o{i}"), d);
        }

        Assert.False(texts.TryGet(0, out _));
    }
}
