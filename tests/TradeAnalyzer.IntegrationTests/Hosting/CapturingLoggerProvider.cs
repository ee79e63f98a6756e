using Microsoft.Extensions.Logging;
using TradeAnalyzer.IntegrationTests.Storage;

namespace TradeAnalyzer.IntegrationTests.Hosting;

/// <summary>Feeds a host's loggers into a <see cref="CapturingLoggerFactory"/> (every level, with exception text).</summary>
internal sealed class CapturingLoggerProvider(CapturingLoggerFactory capture) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => capture.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
