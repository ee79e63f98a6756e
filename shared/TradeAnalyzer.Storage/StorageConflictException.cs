namespace TradeAnalyzer.Storage;

/// <summary>
/// A conditional request failed: the item already exists (409), its ETag changed (412) or it is leased by
/// someone else. Callers typically re-read and retry.
/// </summary>
public sealed class StorageConflictException : StorageException
{
    /// <summary>Creates a conflict without status.</summary>
    public StorageConflictException()
    {
    }

    /// <summary>Creates a conflict with a message.</summary>
    public StorageConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates a conflict with a message and cause.</summary>
    public StorageConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a conflict with status (409 or 412) and error code.</summary>
    public StorageConflictException(int status, string? errorCode, string message, Exception? innerException = null)
        : base(status, errorCode, message, innerException)
    {
    }
}
