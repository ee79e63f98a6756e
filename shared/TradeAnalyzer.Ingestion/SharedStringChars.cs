using System.Runtime.CompilerServices;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// A workbook's shared strings as characters in a few large arrays and one packed position per string, instead of one
/// string object each: a full sheet has about 2.0 million of them, which the rows only ever hand out as spans (the
/// record parser copies what it keeps). Strings are appended in the order the shared-strings part lists them.
/// </summary>
/// <remarks>
/// A position is a long: the chunk (bits 40-62), the offset in it (bits 20-39) and the length (bits 0-19). A string of
/// 1,048,575 characters or more (only possible when the field limit is raised that far) has a chunk of its own and the
/// length field's sentinel, meaning "the whole chunk". Chunks grow from 4,096 characters to 32,768 by doubling, so a
/// small workbook does not take a chunk's worth for a few names, and stay under the large object heap's 85,000 bytes:
/// young objects, as the strings were (chunks of a megabyte, on the large object heap, made its budget call two more
/// full collections while a full sheet's shared strings were read: GC pauses 0.14 s against 0.02 s with these). Chunks are allocated
/// without clearing (every character handed out was written first).
/// <para>
/// One thread may append while another reads (a big workbook's shared strings are read beside its sheet): each string's
/// characters and position are written before <see cref="Count"/> counts it, arrays that grow are copied before they
/// replace the old ones, and a reader asks <see cref="Has"/> for a string not counted yet, which waits for it until
/// <see cref="Complete"/> says the table is whole (or why it could not be read).
/// </para>
/// </remarks>
internal sealed class SharedStringChars
{
    internal const int DefaultChunkChars = 1 << 15;
    private const int LengthBits = 20;
    private const int OffsetBits = 20;
    private const int WholeChunk = (1 << LengthBits) - 1;
    private const int OffsetMask = (1 << OffsetBits) - 1;
    private const int MaxChunks = 1 << 23;
    private const int FirstChunkChars = 4096;

    private readonly int _chunkChars;
    private char[][] _chunks = new char[8][];
    private int _chunkCount;
    private int _current;
    private int _used;
    private long[] _entries = new long[64];
    private int _count;
    private int _published;
    private volatile bool _complete = true;
    private Exception? _failure;

    /// <param name="chunkChars">The largest chunk (at most 1,048,576 characters, the offsets' range); smaller in tests, to cross chunk ends.</param>
    internal SharedStringChars(int chunkChars = DefaultChunkChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkChars, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkChars, 1 << OffsetBits);
        _chunkChars = chunkChars;
        // Chunk 0 is empty: the empty strings point at it.
        _chunks[_chunkCount++] = [];
    }

    /// <summary>How many strings the table holds so far (all of them once it is complete).</summary>
    public int Count => Volatile.Read(ref _published);

    /// <summary>Says that another thread will append the strings and call <see cref="Complete"/> when done.</summary>
    public void BeginLoading() => _complete = false;

    /// <summary>
    /// Ends the loading that <see cref="BeginLoading"/> began: the table is whole, or, with <paramref name="failure"/>,
    /// holds only the strings read before it (readers asking for a later one get the failure).
    /// </summary>
    public void Complete(Exception? failure = null)
    {
        _failure = failure;
        _complete = true;
    }

    /// <summary>
    /// Whether string <paramref name="index"/> exists. While the table is loading, an index not read yet is waited for:
    /// false only once the table is complete without it. Throws <see cref="InvalidDataException"/> when the loading
    /// failed before reaching it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Has(int index) => (uint)index < (uint)Volatile.Read(ref _published) || (index >= 0 && WaitFor(index));

    /// <summary>Waits until the table is complete; throws <see cref="InvalidDataException"/> if its loading failed.</summary>
    public void WaitComplete()
    {
        var spin = new SpinWait();
        while (!_complete)
        {
            Pause(ref spin);
        }

        ThrowIfFailed();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool WaitFor(int index)
    {
        var spin = new SpinWait();
        while (true)
        {
            // Complete first, then the count: a string counted before completion is never missed.
            var complete = _complete;
            if (index < Volatile.Read(ref _published))
            {
                return true;
            }

            if (complete)
            {
                ThrowIfFailed();
                return false;
            }

            Pause(ref spin);
        }
    }

    // Spins briefly, then sleeps a millisecond at a time: the appending thread needs the core (two cores here).
    private static void Pause(ref SpinWait spin)
    {
        if (spin.Count < 30)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        else
        {
            Thread.Sleep(1);
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } f)
        {
            throw f as InvalidDataException ?? new InvalidDataException($"the shared strings of the workbook could not be read ({f.Message})", f);
        }
    }

    /// <summary>The string at <paramref name="index"/> (0 to <see cref="Count"/> - 1, which callers check).</summary>
    public ReadOnlySpan<char> this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var e = _entries[index];
            var chunk = _chunks[(int)(e >> (LengthBits + OffsetBits))];
            var length = (int)e & WholeChunk;
            return length == WholeChunk ? chunk : chunk.AsSpan((int)(e >> LengthBits) & OffsetMask, length);
        }
    }

    /// <summary>Appends a copy of <paramref name="text"/> as the next string.</summary>
    public void Add(ReadOnlySpan<char> text)
    {
        int chunk, offset, lengthField;
        if (text.IsEmpty)
        {
            (chunk, offset, lengthField) = (0, 0, 0);
        }
        else if (text.Length >= WholeChunk || text.Length > _chunkChars)
        {
            // A chunk of its own, beside the one being filled (which goes on being filled).
            chunk = AddChunk(text.Length);
            text.CopyTo(_chunks[chunk]);
            offset = 0;
            lengthField = text.Length >= WholeChunk ? WholeChunk : text.Length;
        }
        else
        {
            var current = _chunks[_current];
            if (current.Length - _used < text.Length)
            {
                var size = Math.Min(_chunkChars, Math.Max(Math.Max(text.Length, FirstChunkChars), current.Length * 2));
                _current = AddChunk(size);
                _used = 0;
                current = _chunks[_current];
            }

            text.CopyTo(current.AsSpan(_used));
            (chunk, offset, lengthField) = (_current, _used, text.Length);
            _used += text.Length;
        }

        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[_count++] = ((long)chunk << (LengthBits + OffsetBits)) | ((long)offset << LengthBits) | (uint)lengthField;
        Volatile.Write(ref _published, _count);
    }

    /// <summary>The characters the table holds in its chunks (filled or not), for tests.</summary>
    internal long CapacityChars
    {
        get
        {
            long n = 0;
            for (var i = 0; i < _chunkCount; i++)
            {
                n += _chunks[i].Length;
            }

            return n;
        }
    }

    private int AddChunk(int size)
    {
        if (_chunkCount == MaxChunks)
        {
            throw new InvalidDataException("the workbook's shared strings are too many to read");
        }

        if (_chunkCount == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
        }

        _chunks[_chunkCount] = GC.AllocateUninitializedArray<char>(size);
        return _chunkCount++;
    }
}
