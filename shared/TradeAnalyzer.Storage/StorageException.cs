namespace TradeAnalyzer.Storage;

/// <summary>
/// A storage request failed. Carries the HTTP-like status and the service error code; the message never
/// contains keys, signatures, tokens or connection strings.
/// </summary>
public class StorageException : Exception
{
    /// <summary>Creates an exception without status.</summary>
    public StorageException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with status and error code.</summary>
    public StorageException(int status, string? errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>HTTP status (404, 409, 412, 500...), 0 when not applicable.</summary>
    public int Status { get; }

    /// <summary>Service error code such as BlobNotFound, EntityAlreadyExists or ConditionNotMet.</summary>
    public string? ErrorCode { get; }
}
