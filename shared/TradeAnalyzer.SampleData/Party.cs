namespace TradeAnalyzer.SampleData;

/// <summary>A trader of the sample world: name as declared, optional tax id, ISO alpha-2 country.</summary>
internal sealed record Party(string Name, string Id, string Country);
