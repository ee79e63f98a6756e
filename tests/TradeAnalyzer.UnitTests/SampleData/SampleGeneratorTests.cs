using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;
using TradeAnalyzer.SampleData;

namespace TradeAnalyzer.UnitTests.SampleData;

public sealed class SampleGeneratorTests : IClassFixture<SampleFixture>
{
    private static readonly string[] HighRisk = ["KP", "IR", "MM"];
    private static readonly string[] Hubs = ["HK", "SG", "AE", "PA", "NL", "BE", "CH"];
    private static readonly string[] VagueDescriptions =
        ["chemicals", "productos químicos", "chemical products", "samples", "parts", "partes", "spare parts", "mercancía general", "general merchandise", "goods", "varios"];

    private readonly SampleFixture _f;

    public SampleGeneratorTests(SampleFixture fixture) => _f = fixture;

    [Fact]
    public void Same_seed_gives_identical_bytes_and_another_seed_differs()
    {
        var a = TempDir();
        var b = TempDir();
        var c = TempDir();
        try
        {
            var options = new SampleOptions { Shipments = 300, Seed = 7 };
            SampleGenerator.Write(a, options);
            SampleGenerator.Write(b, options);
            SampleGenerator.Write(c, options with { Seed = 8 });
            foreach (var name in SampleGenerator.FileNames)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(a, name)), File.ReadAllBytes(Path.Combine(b, name)));
            }

            Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "declarations.csv")), File.ReadAllBytes(Path.Combine(c, "declarations.csv")));
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "truth.csv")), File.ReadAllBytes(Path.Combine(c, "truth.csv")));
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
            Directory.Delete(c, true);
        }
    }

    [Fact]
    public void Committed_samples_folder_is_exactly_what_seed_42_with_2000_shipments_generates()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "TradeAnalyzer.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        foreach (var name in SampleGenerator.FileNames)
        {
            var committed = File.ReadAllBytes(Path.Combine(root.FullName, "samples", name));
            Assert.True(committed.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(_f.Directory, name))), $"samples/{name} is stale: regenerate it (see samples/README.md)");
        }
    }

    [Fact]
    public void Files_have_the_canonical_headers_of_the_spec()
    {
        Assert.Equal(
            "declaration_id,line_no,flow,declaration_date,reporter_country,exporter_name,importer_name,exporter_id,importer_id,exporter_country,importer_country,origin_country,destination_country,hs_code,description,cas_number,quantity,quantity_unit,net_weight_kg,value,currency,incoterm,invoice_number,transport_mode,port_of_loading,port_of_discharge,transit_countries,shipment_id",
            string.Join(',', _f.Declarations.Header));
        Assert.Contains("payer_name", _f.Invoices.Header);
        Assert.Contains("beneficiary_country", _f.Invoices.Header);
        Assert.Equal(["date", "currency", "usd_per_unit"], _f.Fx.Header);
        Assert.Equal(["name", "country", "program", "source"], _f.Sanctions.Header);
        Assert.Equal(["flag", "record_type", "declaration_id", "line_no", "invoice_number", "shipment_id", "exporter_name", "note"], _f.Truth.Header);
        Assert.InRange(_f.Sanctions.Rows.Count, 45, 60);
    }

    [Fact]
    public void Every_flag_code_is_planted_at_least_eight_times_at_two_thousand_shipments()
    {
        foreach (var code in FlagCodes.All)
        {
            var name = code.ToCode();
            var rows = _f.Truth.Rows.Where(r => _f.Truth.Get(r, "flag") == name).ToList();
            if (code == FlagCode.ExporterProfile)
            {
                Assert.InRange(rows.Select(r => _f.Truth.Get(r, "exporter_name")).Distinct().Count(), 2, 3);
                continue;
            }

            Assert.True(_f.Summary.PlantedByCode[name] >= 8, $"{name}: {_f.Summary.PlantedByCode[name]} shipments");
            Assert.True(rows.Select(r => _f.Truth.Get(r, "declaration_id")).Distinct().Count() >= 8, name);
        }

        Assert.Equal(_f.Truth.Rows.Count, _f.Summary.TruthRows);
        Assert.Equal(_f.Declarations.Rows.Count, _f.Summary.DeclarationLines);
        Assert.Equal(_f.Invoices.Rows.Count, _f.Summary.InvoiceLines);
    }

    [Fact]
    public void Truth_rows_reference_existing_declarations_lines_and_invoices()
    {
        var lines = _f.Declarations.Rows.Select(r => (Id: _f.Declarations.Get(r, "declaration_id"), Line: _f.Declarations.Get(r, "line_no"))).ToHashSet();
        var declarations = lines.Select(l => l.Id).ToHashSet();
        var invoices = _f.Invoices.Rows.Select(r => _f.Invoices.Get(r, "invoice_number")).ToHashSet();
        var exporters = _f.Declarations.Rows.Select(r => _f.Declarations.Get(r, "exporter_name")).ToHashSet();
        foreach (var t in _f.Truth.Rows)
        {
            var flag = _f.Truth.Get(t, "flag");
            var id = _f.Truth.Get(t, "declaration_id");
            if (flag == "EXPORTER_PROFILE")
            {
                Assert.Equal("exporter", _f.Truth.Get(t, "record_type"));
                Assert.Contains(_f.Truth.Get(t, "exporter_name"), exporters);
                continue;
            }

            Assert.Contains(id, declarations);
            var line = _f.Truth.Get(t, "line_no");
            if (line.Length > 0)
            {
                Assert.Contains((id, line), lines);
            }

            var invoice = _f.Truth.Get(t, "invoice_number");
            if (flag == "INVOICE_MISSING")
            {
                Assert.DoesNotContain(invoice, invoices);
            }
            else if (_f.Truth.Get(t, "record_type") == "invoice")
            {
                Assert.Contains(invoice, invoices);
            }
        }
    }

    [Fact]
    public void Mirror_missing_exports_have_no_import_and_other_exports_do()
    {
        var importsByInvoice = Imports().Select(r => _f.Declarations.Get(r, "invoice_number")).ToHashSet();
        var missing = RowsOf("MIRROR_MISSING").Select(t => _f.Truth.Get(t, "invoice_number")).ToHashSet();
        Assert.NotEmpty(missing);
        foreach (var export in _f.Declarations.Rows.Where(r => _f.Declarations.Get(r, "flow") == "export"))
        {
            var invoice = _f.Declarations.Get(export, "invoice_number");
            Assert.Equal(!missing.Contains(invoice), importsByInvoice.Contains(invoice));
        }
    }

    [Fact]
    public void Clean_mirrored_pairs_agree_on_hs6_quantity_and_fob_value()
    {
        var flagged = FlaggedInvoices();
        var pairs = 0;
        var sharedIds = 0;
        foreach (var group in _f.Declarations.Rows.Where(r => !flagged.Contains(_f.Declarations.Get(r, "invoice_number"))).GroupBy(r => _f.Declarations.Get(r, "invoice_number")))
        {
            var export = group.Where(r => _f.Declarations.Get(r, "flow") == "export").ToList();
            var import = group.Where(r => _f.Declarations.Get(r, "flow") == "import").ToList();
            if (export.Count == 0)
            {
                continue;
            }

            pairs++;
            Assert.Equal(export.Count, import.Count);
            sharedIds += _f.Declarations.Get(import[0], "shipment_id") == _f.Declarations.Get(export[0], "shipment_id") ? 1 : 0;
            Assert.True(DateOnly.Parse(_f.Declarations.Get(import[0], "declaration_date"), CultureInfo.InvariantCulture).DayNumber
                - DateOnly.Parse(_f.Declarations.Get(export[0], "declaration_date"), CultureInfo.InvariantCulture).DayNumber is >= 3 and <= 30);
            for (var i = 0; i < export.Count; i++)
            {
                var x = export[i];
                var m = import.Single(r => _f.Declarations.Get(r, "line_no") == _f.Declarations.Get(x, "line_no"));
                Assert.Equal(_f.Declarations.Get(x, "hs_code")[..7], _f.Declarations.Get(m, "hs_code")[..7]);
                Assert.Equal(_f.Declarations.Get(x, "quantity"), _f.Declarations.Get(m, "quantity"));
                Assert.Equal("US", _f.Declarations.Get(x, "reporter_country"));
                Assert.Equal("MX", _f.Declarations.Get(m, "reporter_country"));
                var ratio = FobUsd(m) / FobUsd(x);
                Assert.InRange(ratio, 0.975, 1.025);
            }
        }

        Assert.True(pairs > 500, $"{pairs} clean pairs");
        Assert.InRange(sharedIds / (double)pairs, 0.72, 0.88);
    }

    [Fact]
    public void Clean_prices_stay_inside_tukey_fences_and_planted_price_outliers_fall_outside()
    {
        var flagged = FlaggedInvoices();
        var groups = new Dictionary<string, List<double>>();
        foreach (var r in _f.Declarations.Rows)
        {
            var key = Key(r);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            list.Add(Math.Log(UnitPrice(r)));
        }

        var fences = groups.Where(g => g.Value.Count >= 30).ToDictionary(g => g.Key, g => Fences(g.Value, 1.5));
        foreach (var g in fences.Keys.Where(k => k[..7] is "8708.99" or "3901.10" or "7208.51" or "0804.40"))
        {
            Assert.True(groups[g].Count >= 30, g);
        }

        var clean = 0;
        foreach (var r in _f.Declarations.Rows.Where(r => !flagged.Contains(_f.Declarations.Get(r, "invoice_number"))))
        {
            if (fences.TryGetValue(Key(r), out var f))
            {
                clean++;
                var p = Math.Log(UnitPrice(r));
                Assert.True(p >= f.Lo && p <= f.Hi, $"clean line {_f.Declarations.Get(r, "declaration_id")} price outside fences of {Key(r)}");
            }
        }

        Assert.True(clean > 2000, $"{clean} clean lines checked");
        foreach (var (code, above) in new[] { ("PRICE_ABOVE_BASELINE", true), ("PRICE_BELOW_BASELINE", false) })
        {
            var planted = RowsOf(code).ToList();
            var outside = 0;
            foreach (var t in planted)
            {
                var r = Line(_f.Truth.Get(t, "declaration_id"), _f.Truth.Get(t, "line_no"));
                var f = Fences(groups[Key(r)], 2.0);
                var p = Math.Log(UnitPrice(r));
                outside += above ? (p > f.Hi ? 1 : 0) : (p < f.Lo ? 1 : 0);
            }

            Assert.True(outside >= planted.Count * 0.9, $"{code}: {outside} of {planted.Count} outside the fences");
        }
    }

    [Fact]
    public void Clean_invoices_match_their_declarations()
    {
        var flagged = FlaggedInvoices();
        var declarations = _f.Declarations.Rows.ToLookup(r => (_f.Declarations.Get(r, "invoice_number"), _f.Declarations.Get(r, "line_no")));
        var checkedLines = 0;
        foreach (var inv in _f.Invoices.Rows.Where(r => !flagged.Contains(_f.Invoices.Get(r, "invoice_number"))))
        {
            var decl = declarations[(_f.Invoices.Get(inv, "invoice_number"), _f.Invoices.Get(inv, "line_no"))].ToList();
            Assert.NotEmpty(decl);
            foreach (var d in decl)
            {
                Assert.Equal(_f.Invoices.Get(inv, "quantity"), _f.Declarations.Get(d, "quantity"));
                Assert.Equal(PartyNames.Normalize(_f.Invoices.Get(inv, "seller_name")), PartyNames.Normalize(_f.Declarations.Get(d, "exporter_name")));
                Assert.Equal(_f.Invoices.Get(inv, "buyer_name"), _f.Declarations.Get(d, "importer_name"));
                var ratio = InvoiceFobUsd(inv, _f.Declarations.Get(d, "transport_mode")) / FobUsd(d);
                Assert.InRange(ratio, 0.975, 1.025);
                checkedLines++;
            }

            Assert.Equal(_f.Invoices.Get(inv, "buyer_name"), _f.Invoices.Get(inv, "payer_name"));
            Assert.Equal(_f.Invoices.Get(inv, "seller_name"), _f.Invoices.Get(inv, "beneficiary_name"));
            var unit = _f.Invoices.Number(inv, "unit_price");
            Assert.Equal(Math.Round(unit * _f.Invoices.Number(inv, "quantity"), 2), _f.Invoices.Number(inv, "line_total"), 2);
        }

        Assert.True(checkedLines > 2000, $"{checkedLines} invoice lines checked");
    }

    [Fact]
    public void Clean_records_have_no_risky_route_vague_text_weight_error_precursor_or_sanctioned_name()
    {
        var flagged = FlaggedInvoices();
        var sanctioned = _f.Sanctions.Rows.Select(r => PartyNames.Tokens(_f.Sanctions.Get(r, "name")).ToHashSet()).ToList();
        var names = new HashSet<string>();
        foreach (var r in _f.Declarations.Rows.Where(r => !flagged.Contains(_f.Declarations.Get(r, "invoice_number"))))
        {
            var transit = _f.Declarations.Get(r, "transit_countries").Split(';', StringSplitOptions.RemoveEmptyEntries);
            Assert.DoesNotContain(_f.Declarations.Get(r, "origin_country"), HighRisk);
            Assert.DoesNotContain(transit, HighRisk.Contains);
            Assert.True(transit.Count(Hubs.Contains) <= 1);
            Assert.DoesNotContain(_f.Declarations.Get(r, "description"), VagueDescriptions);
            Assert.Equal(string.Empty, _f.Declarations.Get(r, "cas_number"));
            var hs = _f.Declarations.Get(r, "hs_code");
            Assert.False(hs.StartsWith("2933.3", StringComparison.Ordinal) || hs.StartsWith("2939.4", StringComparison.Ordinal) || hs.StartsWith("8479.89", StringComparison.Ordinal) || hs.StartsWith("8422.30", StringComparison.Ordinal), hs);
            if (_f.Declarations.Get(r, "quantity_unit") == "kg")
            {
                Assert.InRange(_f.Declarations.Number(r, "net_weight_kg") - _f.Declarations.Number(r, "quantity"), -0.06, 0.06);
            }

            names.Add(_f.Declarations.Get(r, "exporter_name"));
            names.Add(_f.Declarations.Get(r, "importer_name"));
        }

        foreach (var name in names)
        {
            var tokens = PartyNames.Tokens(name).ToHashSet();
            foreach (var s in sanctioned)
            {
                var jaccard = tokens.Intersect(s).Count() / (double)tokens.Union(s).Count();
                Assert.True(jaccard < 0.5, $"'{name}' resembles a sanctions entry");
            }
        }
    }

    [Fact]
    public void Only_planted_new_exporters_are_first_seen_in_the_last_30_days()
    {
        var dates = _f.Declarations.Rows.Select(r => DateOnly.Parse(_f.Declarations.Get(r, "declaration_date"), CultureInfo.InvariantCulture)).ToList();
        var cutoff = dates.Max().AddDays(-30);
        var planted = RowsOf("NEW_EXPORTER").Select(t => _f.Truth.Get(t, "exporter_name")).ToHashSet();
        var sanctioned = RowsOf("SANCTIONED_PARTY").Select(t => _f.Truth.Get(t, "exporter_name")).ToHashSet();
        var first = new Dictionary<string, (DateOnly Date, string Name)>();
        for (var i = 0; i < dates.Count; i++)
        {
            var r = _f.Declarations.Rows[i];
            var key = PartyNames.Key(_f.Declarations.Get(r, "exporter_name"), _f.Declarations.Get(r, "exporter_id"));
            if (!first.TryGetValue(key, out var seen) || dates[i] < seen.Date)
            {
                first[key] = (dates[i], _f.Declarations.Get(r, "exporter_name"));
            }
        }

        var late = first.Values.Where(v => v.Date > cutoff && !sanctioned.Contains(v.Name)).Select(v => v.Name).ToHashSet();
        Assert.True(planted.Count >= 4);
        Assert.Subset(late, planted);
        Assert.Subset(planted, late);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(99)]
    [InlineData(-5)]
    public void For_any_seed_normal_party_names_stay_far_from_sanctions_entries(int seed)
    {
        var dir = TempDir();
        try
        {
            SampleGenerator.Write(dir, new SampleOptions { Shipments = 1000, Seed = seed });
            var declarations = SampleTable.Load(Path.Combine(dir, "declarations.csv"));
            var truth = SampleTable.Load(Path.Combine(dir, "truth.csv"));
            var sanctions = SampleTable.Load(Path.Combine(dir, "sanctions.csv")).Rows.Select(r => PartyNames.Tokens(r[0]).ToHashSet()).ToList();
            var sanctionedDeclarations = truth.Rows.Where(r => truth.Get(r, "flag") == "SANCTIONED_PARTY").Select(r => truth.Get(r, "declaration_id")).ToHashSet();
            var names = declarations.Rows.Where(r => !sanctionedDeclarations.Contains(declarations.Get(r, "declaration_id")))
                .SelectMany(r => new[] { declarations.Get(r, "exporter_name"), declarations.Get(r, "importer_name") }).ToHashSet();
            Assert.True(sanctionedDeclarations.Count >= 8);
            foreach (var name in names)
            {
                var tokens = PartyNames.Tokens(name).ToHashSet();
                foreach (var s in sanctions)
                {
                    Assert.True(tokens.Intersect(s).Count() / (double)tokens.Union(s).Count() < 0.5, $"'{name}' resembles a sanctions entry");
                }
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Planted_sanctioned_parties_are_spelling_variants_of_an_entry()
    {
        var keys = _f.Sanctions.Rows.Select(r => PartyNames.Normalize(_f.Sanctions.Get(r, "name"))).ToHashSet();
        var entries = _f.Sanctions.Rows.Select(r => _f.Sanctions.Get(r, "name")).ToHashSet();
        var variants = 0;
        foreach (var t in RowsOf("SANCTIONED_PARTY"))
        {
            var d = _f.Declarations.Rows.First(r => _f.Declarations.Get(r, "declaration_id") == _f.Truth.Get(t, "declaration_id"));
            var parties = new[] { _f.Declarations.Get(d, "exporter_name"), _f.Declarations.Get(d, "importer_name") };
            var hit = parties.Single(p => keys.Contains(PartyNames.Normalize(p)));
            variants += entries.Contains(hit) ? 0 : 1;
        }

        Assert.True(variants >= 6, $"{variants} spelled differently from the list");
    }

    [Fact]
    public void Planted_routes_reused_invoices_and_precursors_look_as_described()
    {
        foreach (var t in RowsOf("HIGH_RISK_ROUTE"))
        {
            var d = _f.Declarations.Rows.First(r => _f.Declarations.Get(r, "declaration_id") == _f.Truth.Get(t, "declaration_id"));
            var transit = _f.Declarations.Get(d, "transit_countries").Split(';', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(HighRisk.Contains(_f.Declarations.Get(d, "origin_country")) || transit.Any(HighRisk.Contains) || transit.Count(Hubs.Contains) >= 3);
        }

        foreach (var g in RowsOf("INVOICE_REUSED").GroupBy(t => _f.Truth.Get(t, "invoice_number")))
        {
            var imports = _f.Declarations.Rows.Where(r => _f.Declarations.Get(r, "invoice_number") == g.Key && _f.Declarations.Get(r, "flow") == "import")
                .Select(r => _f.Declarations.Get(r, "declaration_id")).Distinct().Count();
            Assert.InRange(imports, 2, 3);
        }

        var cas = new Regex(@"\b\d{2,7}-\d{2}-\d\b", RegexOptions.CultureInvariant);
        foreach (var t in RowsOf("PRECURSOR_MISDECLARED"))
        {
            var d = Line(_f.Truth.Get(t, "declaration_id"), "1");
            var text = _f.Declarations.Get(d, "description") + " " + _f.Declarations.Get(d, "cas_number");
            Assert.True(cas.IsMatch(text) || text.Contains("piperid", StringComparison.OrdinalIgnoreCase) || text.Contains("ketone", StringComparison.OrdinalIgnoreCase)
                || text.Contains("toluic", StringComparison.OrdinalIgnoreCase) || text.Contains("tablet press", StringComparison.OrdinalIgnoreCase), text);
        }
    }

    [Fact]
    public void Shipment_count_follows_the_option()
    {
        var dir = TempDir();
        try
        {
            var summary = SampleGenerator.Write(dir, new SampleOptions { Shipments = 500, Seed = 3 });
            var declarations = SampleTable.Load(Path.Combine(dir, "declarations.csv"));
            var truth = SampleTable.Load(Path.Combine(dir, "truth.csv"));
            var invoiceNumbers = declarations.Rows.Select(r => declarations.Get(r, "invoice_number")).Distinct().Count();
            var reusedInvoices = truth.Rows.Where(r => truth.Get(r, "flag") == "INVOICE_REUSED").Select(r => truth.Get(r, "invoice_number")).Distinct().Count();
            var followers = summary.PlantedByCode["INVOICE_REUSED"] - reusedInvoices;
            Assert.Equal(500, invoiceNumbers + followers);
            Assert.Equal(declarations.Rows.Count, summary.DeclarationLines);
            Assert.InRange(summary.DeclarationLines, 500 * 1.3, 500 * 2.2);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Cancellation_stops_the_run_and_progress_reaches_the_total()
    {
        var dir = TempDir();
        try
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            Assert.Throws<OperationCanceledException>(() => SampleGenerator.Write(dir, new SampleOptions { Shipments = 200 }, null, cts.Token));
            var last = 0L;
            SampleGenerator.Write(dir, new SampleOptions { Shipments = 200 }, new SyncProgress(v => last = v));
            Assert.Equal(200, last);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Messy_file_is_latin1_semicolon_decimal_comma_with_two_bad_rows_per_reason()
    {
        var path = Path.Combine(_f.Directory, "declarations_messy.csv");
        var bytes = File.ReadAllBytes(path);
        Assert.False(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.Contains((byte)0xED, bytes); // 'í' as one Windows-1252 byte
        var table = SampleTable.Load(path, ';', Encoding.Latin1);
        Assert.Equal(28, table.Header.Length);
        Assert.StartsWith(" Declaration ID", table.Header[0], StringComparison.Ordinal);
        Assert.InRange(table.Rows.Count, 50, 100);
        Assert.Contains(table.Rows, r => r.Any(f => f.Contains('\n', StringComparison.Ordinal) && f.Contains(';', StringComparison.Ordinal)));
        var thousands = new Regex(@"^\d{1,3}(\.\d{3})+,\d{2}$", RegexOptions.CultureInvariant);
        Assert.Contains(table.Rows, r => thousands.IsMatch(r[19]));
        Assert.Equal(2, table.Rows.Count(r => r[16] == "NaN"));
        Assert.Equal(2, table.Rows.Count(r => r[13] is "12AB" or "99"));
        Assert.Equal(2, table.Rows.Count(r => r[3] is "2026-02-30" or "2026-13-05"));
        Assert.Equal(2, table.Rows.Count(r => r[20] is "XXQ" or "ABC"));
        Assert.Equal(2, table.Rows.GroupBy(r => string.Join('|', r)).Count(g => g.Count() == 2));
    }

    // ---------------------------------------------------------------- helpers

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "ta-sample-" + Guid.NewGuid().ToString("N"));

    private IEnumerable<string[]> RowsOf(string code) => _f.Truth.Rows.Where(r => _f.Truth.Get(r, "flag") == code);

    private IEnumerable<string[]> Imports() => _f.Declarations.Rows.Where(r => _f.Declarations.Get(r, "flow") == "import");

    private string[] Line(string declarationId, string line) =>
        _f.Declarations.Rows.First(r => _f.Declarations.Get(r, "declaration_id") == declarationId && _f.Declarations.Get(r, "line_no") == line);

    /// <summary>Invoice numbers of every shipment in truth (a shipment's documents all cite its invoice), plus profile exporters' shipments.</summary>
    private HashSet<string> FlaggedInvoices()
    {
        var set = _f.Truth.Rows.Select(r => _f.Truth.Get(r, "invoice_number")).Where(s => s.Length > 0).ToHashSet();
        var profile = RowsOf("EXPORTER_PROFILE").Select(r => _f.Truth.Get(r, "exporter_name")).ToHashSet();
        foreach (var r in _f.Declarations.Rows.Where(r => profile.Contains(_f.Declarations.Get(r, "exporter_name"))))
        {
            set.Add(_f.Declarations.Get(r, "invoice_number"));
        }

        return set;
    }

    private string Key(string[] r) => _f.Declarations.Get(r, "hs_code")[..7] + "|" + _f.Declarations.Get(r, "quantity_unit");

    private double UnitPrice(string[] r) => FobUsd(r) / _f.Declarations.Number(r, "quantity");

    private double FobUsd(string[] r)
    {
        var value = _f.Declarations.Number(r, "value") * Rate(_f.Declarations.Get(r, "currency"), _f.Declarations.Get(r, "declaration_date"));
        return _f.Declarations.Get(r, "incoterm") == "CIF" ? value / Cif(_f.Declarations.Get(r, "transport_mode")) : value;
    }

    private double InvoiceFobUsd(string[] inv, string mode)
    {
        var value = _f.Invoices.Number(inv, "line_total") * Rate(_f.Invoices.Get(inv, "currency"), _f.Invoices.Get(inv, "invoice_date"));
        return _f.Invoices.Get(inv, "incoterm") == "CIF" ? value / Cif(mode) : value;
    }

    private static double Cif(string mode) => mode switch { "sea" => 1.07, "air" => 1.13, "road" => 1.03, _ => 1.04 };

    private Dictionary<(string, string), double>? _rates;

    private double Rate(string currency, string date)
    {
        if (currency == "USD")
        {
            return 1;
        }

        _rates ??= _f.Fx.Rows.ToDictionary(r => (_f.Fx.Get(r, "date"), _f.Fx.Get(r, "currency")), r => _f.Fx.Number(r, "usd_per_unit"));
        return _rates[(date, currency)];
    }

    private static (double Lo, double Hi) Fences(List<double> values, double k)
    {
        var sorted = values.Order().ToArray();
        var q1 = Quantile(sorted, 0.25);
        var q3 = Quantile(sorted, 0.75);
        return (q1 - (k * (q3 - q1)), q3 + (k * (q3 - q1)));
    }

    private static double Quantile(double[] sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }
}
