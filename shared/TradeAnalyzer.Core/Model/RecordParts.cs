namespace TradeAnalyzer.Core.Model;

/// <summary>
/// A group of record fields that many records have in common (the parties, the route, the goods). Ingestion builds
/// one shared instance per distinct combination in a file, so a million records keep a few thousand groups instead
/// of a copy of every field each. A shared part is never changed: a record whose init accessor writes into a shared
/// part first takes its own copy (<see cref="Owned"/>), so records built with object initializers behave as before.
/// </summary>
internal abstract class RecordPart
{
    /// <summary>True when other records may point at this instance (it must not be written).</summary>
    internal bool Shared;

    /// <summary>This part when the caller owns it, else an unshared copy to write into.</summary>
    internal T Owned<T>()
        where T : RecordPart
    {
        if (!Shared)
        {
            return (T)this;
        }

        var copy = (T)MemberwiseClone();
        copy.Shared = false;
        if (copy is DeclarationParties parties)
        {
            // A copy is a part of its own: the roll-up has not numbered it.
            parties.RollUpMark = 0;
            parties.IndexMark = 0;
        }
        else if (copy is InvoiceParties invoiceParties)
        {
            // Its fields are about to change: no detector run has judged it.
            invoiceParties.CleanMark = 0;
        }

        return copy;
    }
}

/// <summary>
/// Stamps of the passes that number or judge record parts by a mark on the part (<see cref="DeclarationParties.RollUpMark"/>,
/// <see cref="DeclarationParties.IndexMark"/>, <see cref="InvoiceParties.CleanMark"/>): one counter for the process, the
/// stamp in the high 32 bits so that a pass can keep a number in the low 32.
/// </summary>
internal static class PartStamps
{
    private static int s_passes;

    /// <summary>A new pass's stamp: never 0 (the mark of a part no pass has marked), and unique among the last 2^32 - 1
    /// passes of the process.</summary>
    internal static long Next()
    {
        uint stamp;
        do
        {
            stamp = (uint)Interlocked.Increment(ref s_passes);
        }
        while (stamp == 0);

        return (long)stamp << 32;
    }
}

/// <summary>The parties of a declaration line.</summary>
internal sealed class DeclarationParties : RecordPart
{
    internal static readonly DeclarationParties Empty = new() { Shared = true };

    internal string ExporterName = null!;
    internal string ImporterName = null!;
    internal string? ExporterId;
    internal string? ImporterId;
    internal string? ExporterCountry;
    internal string? ImporterCountry;
    internal string ExporterKey = string.Empty;

    /// <summary>
    /// The exporter roll-up's number for this part (<c>ExporterRollUp</c>, which numbers the parties parts of the lines
    /// it reads): the roll-up's stamp in the high 32 bits, the number in the low 32, written and read as one 64-bit value.
    /// A mark of another roll-up (an earlier one, or one running at the same time on the same records) is not this
    /// roll-up's stamp, so the part is numbered again; no other code reads it. Reading a field of the part instead of
    /// probing a table by identity hash saves a cache miss per part change (about 965,000 on 1.16M lines).
    /// </summary>
    internal long RollUpMark;

    /// <summary>
    /// The shipment index's number for this part (<c>ShipmentIndex</c>, which numbers the main lines' parties parts):
    /// the build's stamp in the high 32 bits, the number in the low 32, as <see cref="RollUpMark"/> is for the roll-up.
    /// A mark of another build is not this build's stamp, so the part is numbered again; two builds over the same
    /// records at the same time may then give one part two numbers in one index, which only repeats its per-part facts.
    /// Reading a field of the part replaces sorting the shipments by the parts' identity hashes (whose header read was
    /// the same miss on the part).
    /// </summary>
    internal long IndexMark;
}

/// <summary>Where a declaration line came from and went, and on what terms.</summary>
internal sealed class DeclarationRoute : RecordPart
{
    internal static readonly DeclarationRoute Empty = new() { Shared = true };

    internal string File = null!;
    internal TradeFlow Flow;
    internal Incoterm Incoterm;
    internal TransportMode Mode;
    internal string ReporterCountry = null!;
    internal string OriginCountry = null!;
    internal string DestinationCountry = null!;
    internal string Currency = null!;
    internal string? PortOfLoading;
    internal string? PortOfDischarge;
    internal IReadOnlyList<string> TransitCountries = [];
}

/// <summary>What a line declares or invoices: the HS code, description, CAS numbers and unit.</summary>
internal sealed class GoodsPart : RecordPart
{
    internal static readonly GoodsPart Empty = new() { Shared = true };

    internal HsCode? Hs;
    internal string? Description;
    internal IReadOnlyList<string> CasNumbers = [];
    internal string QuantityUnit = null!;
    internal BaseUnit Unit;
}

/// <summary>The parties of an invoice line: seller, buyer, payer and beneficiary.</summary>
internal sealed class InvoiceParties : RecordPart
{
    internal static readonly InvoiceParties Empty = new() { Shared = true };

    internal string SellerName = null!;
    internal string BuyerName = null!;
    internal string? SellerCountry;
    internal string? BuyerCountry;
    internal string? SellerId;
    internal string? BuyerId;
    internal string? PayerName;
    internal string? PayerCountry;
    internal string? BeneficiaryName;
    internal string? BeneficiaryCountry;

    /// <summary>
    /// Set by a run of the third-party-payment detector to its stamp (never 0) once it found an invoice whose every line
    /// has this part clean: the verdict depends only on the part, so the run skips the part's other invoices. A stamp
    /// of another run (an earlier one, or one at the same time on the same records) is not this run's, so the part is
    /// judged again; no other code reads it. Reading a field of the part, which the detector reads anyway, replaces a
    /// probe of a table by the part's identity hash per invoice.
    /// </summary>
    internal long CleanMark;
}

/// <summary>The file and commercial terms of an invoice line.</summary>
internal sealed class InvoiceTerms : RecordPart
{
    internal static readonly InvoiceTerms Empty = new() { Shared = true };

    internal string File = null!;
    internal string Currency = null!;
    internal Incoterm Incoterm;
    internal string? PaymentTerms;
}

/// <summary>A nullable double stored in 8 bytes: null is one NaN bit pattern no arithmetic produces.</summary>
internal static class NullableDouble
{
    private const long NullBits = 0x7FF4_0000_DEAD_BEEF;

    internal static double Pack(double? value) => value ?? BitConverter.Int64BitsToDouble(NullBits);

    internal static double? Unpack(double stored) => BitConverter.DoubleToInt64Bits(stored) == NullBits ? null : stored;
}
