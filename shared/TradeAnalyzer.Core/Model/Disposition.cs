namespace TradeAnalyzer.Core.Model;

/// <summary>What an outreach analyst decided about an exporter.</summary>
public enum DispositionStatus
{
    Pending,
    Reviewed,
    Cleared,
    Escalated,
}

/// <summary>One analyst decision on an exporter (the Exporters table keeps them; the review workbook and digest show them).</summary>
public sealed record Disposition(
    string ExporterKey,
    DateTimeOffset At,
    string Analyst,
    DispositionStatus Status,
    string? Note);
