using System.Security.Cryptography;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// A forward-only read wrapper that hashes (SHA-256) and counts every byte read, and refuses to read past a size cap.
/// </summary>
internal sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _maxBytes;

    public HashingReadStream(Stream inner, long maxBytes)
    {
        _inner = inner;
        _maxBytes = maxBytes;
    }

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        if (n > 0)
        {
            _hash.AppendData(buffer[..n]);
            BytesRead += n;
            if (BytesRead > _maxBytes)
            {
                throw new InvalidDataException($"the file is larger than the {_maxBytes:N0}-byte limit");
            }
        }

        return n;
    }

    /// <summary>Reads the rest of the input (so the hash covers the whole file) and returns the lower-case hex SHA-256.</summary>
    public string Finish()
    {
        var buffer = new byte[81920];
        try
        {
            while (Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
        catch (InvalidDataException)
        {
            // over the size limit: the hash covers what was read
        }

        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Replays bytes already read (the sniffed head of a file) before the rest of the underlying stream.</summary>
internal sealed class PrefixedReadStream : Stream
{
    private readonly byte[] _prefix;
    private readonly int _prefixLength;
    private readonly Stream _rest;
    private int _prefixPos;

    public PrefixedReadStream(byte[] prefix, int prefixLength, Stream rest)
    {
        _prefix = prefix;
        _prefixLength = prefixLength;
        _rest = rest;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefixPos < _prefixLength)
        {
            var n = Math.Min(buffer.Length, _prefixLength - _prefixPos);
            _prefix.AsSpan(_prefixPos, n).CopyTo(buffer);
            _prefixPos += n;
            return n;
        }

        return _rest.Read(buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
