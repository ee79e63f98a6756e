using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace TradeAnalyzer.IntegrationTests.Storage;

/// <summary>A canned HTTP response for pipeline tests.</summary>
internal sealed class FakeResponse : Response
{
    private readonly Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);

    public FakeResponse(int status, params (string Name, string Value)[] headerValues)
    {
        Status = status;
        foreach (var (name, value) in headerValues)
        {
            headers[name] = value;
        }
    }

    public override int Status { get; }

    public override string ReasonPhrase => "Injected";

    /// <summary>Normally set by the transport from the classifier; this response never reaches a transport.</summary>
    public override bool IsError => Status >= 400;

    public override Stream? ContentStream { get; set; } = new MemoryStream();

    public override string ClientRequestId { get; set; } = string.Empty;

    public override void Dispose()
    {
    }

    protected override bool ContainsHeader(string name) => headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => headers.Select(h => new HttpHeader(h.Key, h.Value));

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => headers.TryGetValue(name, out value);

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        values = headers.TryGetValue(name, out var v) ? [v] : null;
        return values is not null;
    }
}

/// <summary>
/// Fails the first <c>failures</c> attempts: a 500 response, a dropped connection before sending, and a
/// response lost after the server handled the request, in turn; then lets requests through.
/// </summary>
internal sealed class FaultInjectionPolicy(int failures) : HttpPipelinePolicy
{
    private int attempts;

    public int Attempts => attempts;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var attempt = Interlocked.Increment(ref attempts);
        if (attempt > failures)
        {
            await ProcessNextAsync(message, pipeline);
            return;
        }

        switch (attempt % 3)
        {
            case 1:
                message.Response = new FakeResponse(500, ("x-ms-error-code", "InternalError"));
                return;
            case 2:
                throw new IOException("Injected: connection reset before sending.");
            default:
                await ProcessNextAsync(message, pipeline);
                throw new IOException("Injected: connection dropped after the server answered.");
        }
    }
}

/// <summary>Answers every request itself, recording the headers it would have sent.</summary>
internal sealed class RecordingPolicy(Func<HttpMessage, Response> answer) : HttpPipelinePolicy
{
    public List<Dictionary<string, string>> Requests { get; } = [];

    public List<string> Uris { get; } = [];

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => Record(message);

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ValueTask.CompletedTask;
    }

    private void Record(HttpMessage message)
    {
        Requests.Add(message.Request.Headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase));
        Uris.Add(message.Request.Uri.ToString());
        message.Response = answer(message);
    }
}

/// <summary>Collects every formatted log line (all levels) with exception text.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly List<string> lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return lines.ToList();
            }
        }
    }

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    internal void Add(string line)
    {
        lock (lines)
        {
            lines.Add(line);
        }
    }

    private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
