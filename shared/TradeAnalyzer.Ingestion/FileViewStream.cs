using Microsoft.Win32.SafeHandles;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// A read-only, seekable view of an open file with a position of its own: reads are positional
/// (<see cref="RandomAccess"/>), so several views of one file, and the file's own stream, can be read on different
/// threads at once. Disposing the view leaves the file open.
/// </summary>
internal sealed class FileViewStream(SafeFileHandle file) : Stream
{
    private readonly long _length = RandomAccess.GetLength(file);
    private long _position;

    public override bool CanRead => !file.IsClosed;

    public override bool CanSeek => !file.IsClosed;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= _length || buffer.IsEmpty)
        {
            return 0;
        }

        var n = RandomAccess.Read(file, buffer[..(int)Math.Min(buffer.Length, _length - _position)], _position);
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => _length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
