using System.Buffers;
using System.Runtime.ExceptionServices;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// A read-only stream whose inner stream is read ahead, in chunks of <see cref="ChunkSize"/> bytes, by a thread of its
/// own. A workbook's sheet is read through one, so that inflating the zip entry (about a seventh of the scanning
/// thread's samples) runs beside the scanner instead of inside it: with the rows parsed on a second thread, the scanner
/// is the longer of the two and sets the read's wall time. The bytes read are exactly the inner stream's, in order.
/// </summary>
/// <remarks>
/// At most <see cref="MaxChunks"/> chunks exist, so memory stays bounded and the reading thread waits when the reader
/// falls behind. A failure of the inner stream is rethrown by the <see cref="Read(Span{byte})"/> that reaches it, after
/// every byte read before it. <see cref="Dispose(bool)"/> stops the thread, waits for it and disposes the inner stream.
/// </remarks>
internal sealed class OffThreadReadStream : Stream
{
    /// <summary>Bytes per hand-over: the two threads meet about four times per MB.</summary>
    public const int ChunkSize = 1 << 18;

    /// <summary>Chunks in existence at once: one being read from, one being filled, two ready.</summary>
    public const int MaxChunks = 4;

    private readonly Stream _inner;
    private readonly object _gate = new();
    private readonly Queue<(byte[] Chunk, int Count)> _ready = new();
    private readonly Stack<byte[]> _free = new();
    private readonly Thread _thread;
    private readonly int _chunkSize;
    private byte[] _current = [];
    private int _offset;
    private int _count;
    private int _chunks;
    private bool _ended;
    private bool _stopping;
    private bool _disposed;
    private long _position;
    private ExceptionDispatchInfo? _error;

    /// <summary>Starts reading <paramref name="inner"/> ahead; it is disposed with this stream.</summary>
    public OffThreadReadStream(Stream inner, string threadName = "read ahead", int chunkSize = ChunkSize)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        _inner = inner;
        _chunkSize = chunkSize;
        _thread = new Thread(Fill) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    /// <summary>Bytes returned so far.</summary>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var total = 0;
        while (!buffer.IsEmpty)
        {
            if (_offset == _count && !NextChunk(wait: total == 0))
            {
                break;
            }

            var n = Math.Min(_count - _offset, buffer.Length);
            _current.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            buffer = buffer[n..];
            total += n;
        }

        _position += total;
        return total;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!disposing || _disposed)
        {
            base.Dispose(disposing);
            return;
        }

        _disposed = true;
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join();
        Return(_current);
        _current = [];
        while (_ready.TryDequeue(out var left))
        {
            Return(left.Chunk);
        }

        while (_free.TryPop(out var chunk))
        {
            Return(chunk);
        }

        _inner.Dispose();
        base.Dispose(disposing);
    }

    private static void Return(byte[] chunk)
    {
        if (chunk.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Gives the spent chunk back and takes the next ready one; false at the end of the inner stream, or when none is
    /// ready and <paramref name="wait"/> is false (the caller already has bytes to return). Rethrows the thread's failure
    /// once every chunk read before it has been taken, and only to a caller with no bytes in hand (which would lose them).
    /// </summary>
    private bool NextChunk(bool wait)
    {
        lock (_gate)
        {
            if (_current.Length > 0)
            {
                _free.Push(_current);
                _current = [];
                _offset = _count = 0;
                Monitor.PulseAll(_gate);
            }

            while (_ready.Count == 0 && !_ended && wait)
            {
                Monitor.Wait(_gate);
            }

            if (_ready.Count == 0)
            {
                // A caller that already holds bytes returns them first; its next read meets the failure.
                if (wait)
                {
                    _error?.Throw();
                }

                return false;
            }

            (_current, _count) = _ready.Dequeue();
            _offset = 0;
            return true;
        }
    }

    /// <summary>The reading thread: fills free chunks from the inner stream, in order, until its end, a failure or Dispose.</summary>
    private void Fill()
    {
        while (true)
        {
            byte[] chunk;
            lock (_gate)
            {
                while (_free.Count == 0 && _chunks >= MaxChunks && !_stopping)
                {
                    Monitor.Wait(_gate);
                }

                if (_stopping)
                {
                    return;
                }

                if (!_free.TryPop(out chunk!))
                {
                    chunk = ArrayPool<byte>.Shared.Rent(_chunkSize);
                    _chunks++;
                }
            }

            var n = 0;
            Exception? failure = null;
            try
            {
                while (n < _chunkSize && _inner.Read(chunk, n, _chunkSize - n) is var read and > 0)
                {
                    n += read;
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            lock (_gate)
            {
                // The bytes read before a failure are handed over first, as a direct reader would have had them.
                if (n > 0)
                {
                    _ready.Enqueue((chunk, n));
                }
                else
                {
                    _free.Push(chunk);
                }

                if (failure is not null)
                {
                    _error = ExceptionDispatchInfo.Capture(failure);
                }

                _ended = failure is not null || n < _chunkSize;
                Monitor.PulseAll(_gate);
                if (_ended)
                {
                    return;
                }
            }
        }
    }
}
