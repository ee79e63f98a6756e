using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Reads a <see cref="TabularSource"/> on a thread of its own, one batch of rows ahead of the caller: that thread reads
/// the bytes (and hashes them), decodes and splits the rows and copies their cells into batches; the caller parses the
/// rows in order from the batches. The rows, their numbers and errors are exactly those of the inner source, and an
/// exception the inner source throws is rethrown to the caller at the same row. Memory is bounded by a few batches.
/// </summary>
internal sealed class PipelinedTabularSource : TabularSource
{
    private const int Batches = 4;

    private readonly TabularSource _inner;

    // Filled batches in order (single producer, single consumer). Waiting sides block on kernel events without
    // spinning: a spinning wait burns the core the other thread needs on a machine with two.
    private readonly RowBatch?[] _ring = new RowBatch?[Batches];
    private readonly AutoResetEvent _filled = new(false);
    private readonly AutoResetEvent _emptied = new(false);
    private readonly ManualResetEvent _stopping = new(false);
    private readonly ConcurrentQueue<RowBatch> _free = new();
    private readonly Thread _thread;
    private long _head;
    private long _tail;
    private RowBatch? _current;
    private char[] _chars = [];
    private int[] _starts = [];
    private int[] _lengths = [];
    private int _index;
    private int _fieldOffset;
    private int _fieldCount;
    private volatile bool _stopped;

    public PipelinedTabularSource(TabularSource inner)
    {
        _inner = inner;
        Detected = inner.Detected;
        DecimalHint = inner.DecimalHint;
        _thread = new Thread(Produce) { IsBackground = true, Name = inner is CsvTabularSource ? "csv reader" : "xlsx reader" };
        _thread.Start();
    }

    public override int FieldCount => _fieldCount;

    public override long RowNumber => _current is { } b && _index < b.RowCount ? b.RowNumbers[_index] : 0;

    public override string? RowError => _current is { } b && _index < b.RowCount ? b.Errors[_index] : null;

    public override string Detected { get; }

    public override DecimalStyle DecimalHint { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override ReadOnlySpan<char> GetSpan(int index)
    {
        if ((uint)index >= (uint)_fieldCount)
        {
            return [];
        }

        var f = _fieldOffset + index;
        return _chars.AsSpan(_starts[f], _lengths[f]);
    }

    public override bool Read()
    {
        while (true)
        {
            var b = _current;
            if (b is not null)
            {
                if (_index + 1 < b.RowCount)
                {
                    _index++;
                    _fieldOffset = b.RowFields[_index];
                    _fieldCount = b.RowFields[_index + 1] - _fieldOffset;
                    return true;
                }

                _fieldCount = 0;
                _index = b.RowCount;
                b.Failure?.Throw();
                if (b.End)
                {
                    return false;
                }

                b.Clear();
                _free.Enqueue(b);
                _current = null;
            }

            _current = b = Take();
            _chars = b.Chars;
            _starts = b.Starts;
            _lengths = b.Lengths;
            _index = -1;
        }
    }

    // The next filled batch, waiting for the reading thread when there is none yet.
    private RowBatch Take()
    {
        while (Volatile.Read(ref _tail) == _head)
        {
            _filled.WaitOne();
        }

        var slot = (int)(_head % Batches);
        var b = _ring[slot]!;
        _ring[slot] = null;
        Volatile.Write(ref _head, _head + 1);
        _emptied.Set();
        return b;
    }

    // Hands a filled batch over; false when the caller stopped reading.
    private bool Publish(RowBatch b)
    {
        WaitHandle[] waits = [_emptied, _stopping];
        while (_tail - Volatile.Read(ref _head) == Batches)
        {
            if (WaitHandle.WaitAny(waits) == 1)
            {
                return false;
            }
        }

        _ring[(int)(_tail % Batches)] = b;
        Volatile.Write(ref _tail, _tail + 1);
        _filled.Set();
        return true;
    }

    private RowBatch NextBatch() => _free.TryDequeue(out var b) ? b : new RowBatch();

    private void Produce()
    {
        var batch = NextBatch();
        try
        {
            while (!_stopped)
            {
                if (!_inner.Read())
                {
                    batch.End = true;
                    Publish(batch);
                    return;
                }

                if (!batch.TryAdd(_inner))
                {
                    if (!Publish(batch))
                    {
                        return;
                    }

                    batch = NextBatch();
                    batch.Add(_inner);
                }
            }
        }
        catch (Exception ex)
        {
            batch.Failure = ExceptionDispatchInfo.Capture(ex);
            Publish(batch);
        }
    }

    /// <summary>Stops the reading thread and waits for it (the input is not read any further by this source).</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _stopping.Set();
        _thread.Join();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stop();
            _inner.Dispose();
            _filled.Dispose();
            _emptied.Dispose();
            _stopping.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// Rows copied out of a <see cref="TabularSource"/>: the text of their cells in one character block, each cell's
/// offset and length, and per row its first cell, row number and error.
/// </summary>
internal sealed class RowBatch
{
    // About 800 rows of these files: a few thousand handoffs per file (each wakes the other thread), 0.5 MB a block.
    private const int TargetChars = 256 * 1024;
    private const int TargetRows = 4096;

    public char[] Chars { get; private set; } = new char[TargetChars + (TargetChars / 2)];

    public int CharCount { get; set; }

    public int[] Starts { get; private set; } = new int[TargetRows * 8];

    public int[] Lengths { get; private set; } = new int[TargetRows * 8];

    public int FieldTotal { get; private set; }

    /// <summary>Index of each row's first cell; entry RowCount is the end of the last row.</summary>
    public int[] RowFields { get; } = new int[TargetRows + 1];

    public long[] RowNumbers { get; } = new long[TargetRows];

    public string?[] Errors { get; } = new string?[TargetRows];

    public int RowCount { get; private set; }

    /// <summary>The input ends after these rows.</summary>
    public bool End { get; set; }

    /// <summary>What the inner source threw after these rows.</summary>
    public ExceptionDispatchInfo? Failure { get; set; }

    public void Clear()
    {
        CharCount = 0;
        FieldTotal = 0;
        RowCount = 0;
        RowFields[0] = 0;
        Array.Clear(Errors);
        End = false;
        Failure = null;
    }

    /// <summary>Copies the source's current row in, unless the batch is full (then false, nothing copied).</summary>
    public bool TryAdd(TabularSource source)
    {
        if (RowCount == TargetRows || (RowCount > 0 && CharCount >= TargetChars))
        {
            return false;
        }

        Add(source);
        return true;
    }

    /// <summary>Copies the source's current row in, growing the arrays when one row needs it.</summary>
    public void Add(TabularSource source)
    {
        var count = source.FieldCount;
        EnsureFields(FieldTotal + count);
        if (source is CsvTabularSource csv)
        {
            FieldTotal = csv.CopyRow(this, FieldTotal);
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                var span = source.GetSpan(i);
                var at = Reserve(span.Length);
                span.CopyTo(Chars.AsSpan(at));
                Starts[FieldTotal] = at;
                Lengths[FieldTotal] = span.Length;
                FieldTotal++;
            }
        }

        RowNumbers[RowCount] = source.RowNumber;
        Errors[RowCount] = source.RowError;
        RowCount++;
        RowFields[RowCount] = FieldTotal;
    }

    /// <summary>Reserves <paramref name="length"/> characters at the end of the block; returns where they start.</summary>
    public int Reserve(int length)
    {
        var at = CharCount;
        if (at + length > Chars.Length)
        {
            var bigger = new char[Math.Max(Chars.Length * 2, at + length)];
            Chars.AsSpan(0, at).CopyTo(bigger);
            Chars = bigger;
        }

        CharCount = at + length;
        return at;
    }

    private void EnsureFields(int needed)
    {
        if (needed > Starts.Length)
        {
            var size = Math.Max(Starts.Length * 2, needed);
            var starts = new int[size];
            var lengths = new int[size];
            Starts.AsSpan(0, FieldTotal).CopyTo(starts);
            Lengths.AsSpan(0, FieldTotal).CopyTo(lengths);
            Starts = starts;
            Lengths = lengths;
        }
    }
}
