namespace TradeAnalyzer.Storage;

/// <summary>An open blob: its content stream and properties. Dispose it to close the stream.</summary>
public sealed class BlobDownload : IAsyncDisposable, IDisposable
{
    /// <summary>Creates a download over an open stream, which this instance then owns.</summary>
    public BlobDownload(Stream content, BlobProperties properties)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(properties);
        Content = content;
        Properties = properties;
    }

    /// <summary>The blob content (forward-only read).</summary>
    public Stream Content { get; }

    /// <summary>The properties of the version being read.</summary>
    public BlobProperties Properties { get; }

    /// <inheritdoc />
    public void Dispose() => Content.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
