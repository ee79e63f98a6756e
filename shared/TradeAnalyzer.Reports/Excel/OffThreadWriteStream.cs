using System.Buffers;
using System.Runtime.ExceptionServices;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// A write-only stream that hands what is written, in chunks of <see cref="ChunkSize"/> bytes, to a thread of its own
/// which writes them to the inner stream, in order. The workbook writes each big sheet through one, so that the zip
/// entry's deflate (about a third of the workbook's CPU) runs on the second core while the caller goes on producing the
/// sheet's XML: on a two-core machine the other output files are done long before the workbook, and the second core
/// otherwise idles for its last seconds. The bytes reaching the inner stream are exactly the bytes written, so the
/// package is the same as written directly.
/// </summary>
/// <remarks>
/// At most <see cref="MaxChunks"/> chunks exist (memory stays bounded, and a slow inner stream slows the writer down
/// instead of queueing the whole sheet). A chunk is handed over when full, and the last one on <see cref="Dispose(bool)"/>,
/// which waits for the thread, disposes the inner stream on the caller's thread (a zip entry then writes its sizes
/// and CRC) and rethrows the thread's failure, if any; a failure is also rethrown by the next write that hands a chunk
/// over. <see cref="Flush"/> waits until everything written so far reached the inner stream, without flushing it: a
/// deflate stream's flush would add a sync marker to the compressed bytes.
/// </remarks>
internal sealed class OffThreadWriteStream : Stream
{
    /// <summary>Bytes per hand-over: large enough that the two threads meet a few hundred times per 100 MB of XML.</summary>
    public const int ChunkSize = 1 << 20;

    /// <summary>Chunks in existence at once: one being filled, one being written, one ready.</summary>
    public const int MaxChunks = 3;

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly object _gate = new();
    private readonly Queue<(byte[] Chunk, int Count)> _ready = new();
    private readonly Stack<byte[]> _free = new();
    private readonly Thread _thread;
    private byte[] _current;
    private int _count;
    private int _chunks;
    private bool _busy;
    private bool _completed;
    private bool _disposed;
    private long _written;
    private ExceptionDispatchInfo? _error;

    /// <summary>Starts the writing thread for <paramref name="inner"/>, which is disposed with this stream unless <paramref name="leaveOpen"/>.</summary>
    public OffThreadWriteStream(Stream inner, bool leaveOpen = false, string threadName = "off-thread write")
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _leaveOpen = leaveOpen;
        _current = ArrayPool<byte>.Shared.Rent(ChunkSize);
        _chunks = 1;
        _thread = new Thread(Drain) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => throw new NotSupportedException();

    /// <summary>Bytes written so far (handed over or not).</summary>
    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _written += buffer.Length;
        while (!buffer.IsEmpty)
        {
            var room = _current.Length - _count;
            var n = Math.Min(room, buffer.Length);
            buffer[..n].CopyTo(_current.AsSpan(_count));
            _count += n;
            buffer = buffer[n..];
            if (_count == _current.Length)
            {
                HandOver();
            }
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Waits until every byte written so far has been written to the inner stream (which is not flushed).</summary>
    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_count > 0)
        {
            HandOver();
        }

        lock (_gate)
        {
            while ((_ready.Count > 0 || _busy) && _error is null)
            {
                Monitor.Wait(_gate);
            }
        }

        _error?.Throw();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!disposing || _disposed)
        {
            base.Dispose(disposing);
            return;
        }

        _disposed = true;
        if (_count > 0 && _error is null)
        {
            lock (_gate)
            {
                _ready.Enqueue((_current, _count));
                Monitor.PulseAll(_gate);
            }
        }
        else if (_current.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_current);
        }

        _current = [];
        _count = 0;
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join();
        while (_free.TryPop(out var chunk))
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        while (_ready.TryDequeue(out var left))
        {
            ArrayPool<byte>.Shared.Return(left.Chunk);
        }

        if (!_leaveOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
        _error?.Throw();
    }

    /// <summary>Queues the current chunk and takes a free one (or a new one while fewer than <see cref="MaxChunks"/> exist).</summary>
    private void HandOver()
    {
        lock (_gate)
        {
            _error?.Throw();
            _ready.Enqueue((_current, _count));
            _current = [];
            _count = 0;
            Monitor.PulseAll(_gate);
            while (_free.Count == 0 && _chunks >= MaxChunks && _error is null)
            {
                Monitor.Wait(_gate);
            }

            _error?.Throw();
            if (!_free.TryPop(out var next))
            {
                next = ArrayPool<byte>.Shared.Rent(ChunkSize);
                _chunks++;
            }

            _current = next;
            _count = 0;
        }
    }

    /// <summary>The writing thread: writes ready chunks in order until the stream is disposed and none is left.</summary>
    private void Drain()
    {
        while (true)
        {
            byte[] chunk;
            int count;
            lock (_gate)
            {
                while (_ready.Count == 0 && !_completed)
                {
                    Monitor.Wait(_gate);
                }

                if (_ready.Count == 0)
                {
                    return;
                }

                (chunk, count) = _ready.Dequeue();
                _busy = true;
            }

            try
            {
                _inner.Write(chunk, 0, count);
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    _error = ExceptionDispatchInfo.Capture(ex);
                    _busy = false;
                    _free.Push(chunk);
                    Monitor.PulseAll(_gate);
                }

                return;
            }

            lock (_gate)
            {
                _busy = false;
                _free.Push(chunk);
                Monitor.PulseAll(_gate);
            }
        }
    }
}
