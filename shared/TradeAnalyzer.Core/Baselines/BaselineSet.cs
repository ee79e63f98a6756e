namespace TradeAnalyzer.Core.Baselines;

/// <summary>
/// Mergeable price statistics per (HS level and prefix, unit, corridor): the baselines the price filter compares
/// against, persisted in the store and merged per upload without rereading history.
/// </summary>
public sealed class BaselineSet
{
}
