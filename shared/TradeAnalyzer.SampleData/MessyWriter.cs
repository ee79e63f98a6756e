using System.Globalization;
using System.Text;

namespace TradeAnalyzer.SampleData;

/// <summary>
/// Writes declarations_messy.csv: canonical columns under an oddly spelled header, semicolon-delimited,
/// Windows-1252 (Latin-1 range) encoded, decimal comma with thousands separators, quoted fields holding the delimiter
/// and line breaks, and two bad rows for each rejection reason (see <see cref="BadRows"/>).
/// </summary>
internal static class MessyWriter
{
    public const string Header =
        " Declaration ID ;Line-No;FLOW; Declaration Date ;Reporter Country;Exporter Name;importer name;Exporter-ID;IMPORTER_ID;Exporter Country;Importer Country;Origin Country;Destination Country; HS Code ;Description;CAS Number;Quantity;Quantity Unit;Net Weight Kg;Value;Currency;Incoterm;Invoice Number;Transport Mode;Port of Loading;Port of Discharge;Transit Countries;Shipment ID";

    /// <summary>The rejection reasons planted, two rows each, in file order after the good rows.</summary>
    public static readonly string[] BadRows =
    [
        "missing exporter_name", "missing declaration_date", "zero quantity", "negative quantity", "NaN quantity", "NaN quantity",
        "impossible date 2026-02-30", "impossible date 2026-13-05", "bad hs_code 12AB", "bad hs_code 99", "unknown unit xyz", "unknown unit zz",
        "unknown currency XXQ", "unknown currency ABC", "duplicate of line 1 of the first declaration", "duplicate of line 1 of the second declaration",
    ];

    public const int GoodRows = 60;

    public static void Write(string path, SampleOptions options, PartyPools pools)
    {
        var rng = new Rng(options.Seed ^ 0x5EED_3E55);
        var rows = new List<string[]>(GoodRows + BadRows.Length);
        var declaration = 0;
        while (rows.Count < GoodRows)
        {
            declaration++;
            var lines = rng.Between(1, 3);
            var cn = rng.Chance(0.6);
            var exporter = cn ? rng.Pick(pools.CnExporters) : rng.Pick(pools.DeExporters);
            var importer = rng.Pick(pools.MxImporters);
            var date = options.Start.AddDays(rng.Next(options.Days));
            var id = string.Create(CultureInfo.InvariantCulture, $"{date.Year % 100:D2} 16 3999 {7000000 + declaration:D7}");
            var invoice = string.Create(CultureInfo.InvariantCulture, $"MS-{declaration:D5}");
            var shipment = string.Create(CultureInfo.InvariantCulture, $"MSCU{9000000 + declaration:D7}");
            for (var l = 1; l <= lines && rows.Count < GoodRows; l++)
            {
                var c = Catalogue.Ordinary[rng.Next(Catalogue.Ordinary.Length)];
                var quantity = c.Unit == "u" ? Math.Max(1, Math.Round(c.QuantityMedian * Math.Exp(0.5 * rng.Normal(2)))) : Math.Round(c.QuantityMedian * Math.Exp(0.5 * rng.Normal(2)), 2);
                var usd = quantity * c.MedianUsd * Math.Exp(Catalogue.PriceSigma * rng.Normal(2)) * 1.07;
                var mxn = usd / 0.0545;
                // Every fifth row: a quoted description holding the delimiter and a line break.
                var description = rows.Count % 5 == 0 ? c.DescriptionEs + ";\nlote " + rng.Between(100, 999).ToString(CultureInfo.InvariantCulture) : c.DescriptionEs;
                rows.Add(
                [
                    id, l.ToString(CultureInfo.InvariantCulture), "import", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "MX",
                    exporter.Name, importer.Name, exporter.Id, importer.Id, exporter.Country, "MX", exporter.Country, "MX", c.HsMx, description, string.Empty,
                    Comma(quantity, c.Unit == "u" ? 0 : 2), c.Unit, Comma(c.Unit == "kg" ? quantity : quantity * c.KgPerUnit, 1), Comma(mxn, 2), "MXN", "CIF",
                    invoice, "sea", cn ? "Shanghai" : "Hamburg", cn ? "Manzanillo, Col." : "Veracruz, Ver.", string.Empty, shipment,
                ]);
            }
        }

        var template = rows[0];
        string[] Bad(int column, string value, int declarationNo)
        {
            var r = (string[])template.Clone();
            r[0] = string.Create(CultureInfo.InvariantCulture, $"26 16 3999 {7100000 + declarationNo:D7}");
            r[column] = value;
            return r;
        }

        var k = 0;
        rows.Add(Bad(5, string.Empty, ++k));
        rows.Add(Bad(3, string.Empty, ++k));
        rows.Add(Bad(16, "0", ++k));
        rows.Add(Bad(16, "-12,50", ++k));
        rows.Add(Bad(16, "NaN", ++k));
        rows.Add(Bad(16, "NaN", ++k));
        rows.Add(Bad(3, "2026-02-30", ++k));
        rows.Add(Bad(3, "2026-13-05", ++k));
        rows.Add(Bad(13, "12AB", ++k));
        rows.Add(Bad(13, "99", ++k));
        rows.Add(Bad(17, "xyz", ++k));
        rows.Add(Bad(17, "zz", ++k));
        rows.Add(Bad(20, "XXQ", ++k));
        rows.Add(Bad(20, "ABC", ++k));
        rows.Add((string[])rows[0].Clone());
        var second = rows.FindIndex(r => r[0] != rows[0][0]);
        rows.Add((string[])rows[second].Clone());

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n" };
        writer.Write(Header);
        writer.Write("\r\n");
        foreach (var r in rows)
        {
            for (var i = 0; i < r.Length; i++)
            {
                if (i > 0)
                {
                    writer.Write(';');
                }

                writer.Write(Quote(r[i]));
            }

            writer.Write("\r\n");
        }
    }

    /// <summary>Decimal comma with '.' thousands separators: 1234567.891 with 2 decimals gives "1.234.567,89".</summary>
    public static string Comma(double value, int decimals)
    {
        var s = value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            sb.Append(ch switch { ',' => '.', '.' => ',', _ => ch });
        }

        return sb.ToString();
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny([';', '"', '\n', '\r']) >= 0 || field.StartsWith(' ')
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
}
