using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Writes a zip file (the workbook's package) straight to a stream, entry after entry, deflated, without seeking, so the
/// output may be a file or a non-seekable upload. Written instead of <see cref="ZipArchive"/> because that takes only
/// uncompressed bytes through one deflate stream per entry: the big sheets are deflated here in blocks on two threads
/// (<see cref="ParallelDeflateStream"/>) and stored as they come. Small parts (<see cref="Create"/>) are buffered and
/// written with their sizes and CRC in the local header; big ones (<see cref="CreateLarge"/>) are streamed, their CRC
/// and sizes following the data in a data descriptor (general purpose bit 3, as <see cref="ZipArchive"/> writes entries
/// to a non-seekable stream and as Java's ZipOutputStream writes every deflated entry). The central directory has the
/// truth for readers (Open XML SDK, Excel, LibreOffice, unzip). Zip64 fields are written where a size, an offset or the
/// entry count does not fit the classic fields: in the central directory, in a buffered entry's local header, as
/// 8-byte sizes in a streamed entry's descriptor, and as the zip64 end records.
/// </summary>
internal sealed class ZipPackageWriter : IDisposable
{
    private const ushort VersionDeflate = 20;
    private const ushort VersionZip64 = 45;
    private const ushort FlagDataDescriptor = 1 << 3;
    private const ushort FlagUtf8 = 1 << 11;
    private const ushort MethodDeflate = 8;
    private const int GzipHeader = 10;
    private const int GzipTrailer = 8;

    private readonly Stream _output;
    private readonly int _workers;
    private readonly long _zip64Threshold;
    private readonly ushort _dosTime;
    private readonly ushort _dosDate;
    private readonly List<Entry> _entries = [];
    private readonly byte[] _scratch = new byte[64];
    private long _position;
    private bool _entryOpen;
    private bool _finished;

    /// <summary>
    /// Starts a package on <paramref name="output"/> (left open). Entries are stamped with <paramref name="modified"/>
    /// (local time, as zip stores it); big entries are deflated by <paramref name="deflateWorkers"/> threads.
    /// <paramref name="zip64Threshold"/> is for tests: sizes and offsets from it on are written as zip64 fields.
    /// </summary>
    public ZipPackageWriter(Stream output, DateTime modified, int deflateWorkers, long zip64Threshold = uint.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(deflateWorkers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(zip64Threshold, uint.MaxValue);
        _output = output;
        _workers = deflateWorkers;
        _zip64Threshold = zip64Threshold;
        (_dosDate, _dosTime) = DosDateTime(modified);
    }

    /// <summary>Entries written (or being written) so far.</summary>
    public int Count => _entries.Count;

    /// <summary>Opens a small entry: its bytes are kept until the stream is disposed, then compressed and written.</summary>
    public Stream Create(string name)
    {
        BeginEntry();
        return new BufferedEntry(this, name);
    }

    /// <summary>
    /// Opens an entry that may hold hundreds of megabytes: its bytes are deflated in blocks on the worker threads and
    /// written as they are compressed; disposing the stream writes the data descriptor. Nothing else may be written to
    /// the package until it is disposed.
    /// </summary>
    public Stream CreateLarge(string name, int blockSize = ParallelDeflateStream.DefaultBlockSize)
    {
        BeginEntry();
        var entry = new Entry(Encoding.UTF8.GetBytes(name), _position, FlagDataDescriptor);
        WriteLocalHeader(entry, zip64: false);
        return new StreamedEntry(this, entry, new ParallelDeflateStream(_output, _workers, blockSize, "xlsx deflate"));
    }

    /// <summary>Writes the central directory; the zip is complete after this.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        if (_entryOpen)
        {
            throw new InvalidOperationException("An entry is still open.");
        }

        _finished = true;
        var directoryStart = _position;
        foreach (var entry in _entries)
        {
            WriteCentralHeader(entry);
        }

        var directorySize = _position - directoryStart;
        var count = _entries.Count;
        if (count >= ushort.MaxValue || directoryStart >= _zip64Threshold || directorySize >= _zip64Threshold)
        {
            var zip64End = _position;
            var record = _scratch.AsSpan(0, 56);
            BinaryPrimitives.WriteUInt32LittleEndian(record, 0x06064b50);
            BinaryPrimitives.WriteUInt64LittleEndian(record[4..], 44); // size of the rest of the record
            BinaryPrimitives.WriteUInt16LittleEndian(record[12..], VersionZip64);
            BinaryPrimitives.WriteUInt16LittleEndian(record[14..], VersionZip64);
            BinaryPrimitives.WriteUInt32LittleEndian(record[16..], 0); // this disk
            BinaryPrimitives.WriteUInt32LittleEndian(record[20..], 0); // disk of the central directory
            BinaryPrimitives.WriteUInt64LittleEndian(record[24..], (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(record[32..], (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(record[40..], (ulong)directorySize);
            BinaryPrimitives.WriteUInt64LittleEndian(record[48..], (ulong)directoryStart);
            Put(record);
            var locator = _scratch.AsSpan(0, 20);
            BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[4..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(locator[8..], (ulong)zip64End);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1); // disks
            Put(locator);
        }

        var end = _scratch.AsSpan(0, 22);
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[6..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], (ushort)Math.Min(count, ushort.MaxValue));
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], (ushort)Math.Min(count, ushort.MaxValue));
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], Field32(directorySize));
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], Field32(directoryStart));
        BinaryPrimitives.WriteUInt16LittleEndian(end[20..], 0); // comment length
        Put(end);
        _output.Flush();
    }

    /// <summary>Finishes the zip unless an entry was left open (a failed write: the output is incomplete anyway).</summary>
    public void Dispose()
    {
        if (!_entryOpen)
        {
            Finish();
        }
    }

    /// <summary>The zip's date and time fields for <paramref name="time"/> (two-second steps, 1980-2107).</summary>
    internal static (ushort Date, ushort Time) DosDateTime(DateTime time)
    {
        if (time.Year < 1980)
        {
            time = new DateTime(1980, 1, 1, 0, 0, 0);
        }
        else if (time.Year > 2107)
        {
            time = new DateTime(2107, 12, 31, 23, 59, 58);
        }

        var date = (ushort)(((time.Year - 1980) << 9) | (time.Month << 5) | time.Day);
        var clock = (ushort)((time.Hour << 11) | (time.Minute << 5) | (time.Second / 2));
        return (date, clock);
    }

    private void BeginEntry()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The package is finished.");
        }

        if (_entryOpen)
        {
            throw new InvalidOperationException("Another entry is still open.");
        }

        _entryOpen = true;
    }

    private uint Field32(long value) => value >= _zip64Threshold ? uint.MaxValue : (uint)value;

    private void Put(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _position += bytes.Length;
    }

    private static ushort NameFlag(byte[] name)
    {
        foreach (var b in name)
        {
            if (b >= 0x80)
            {
                return FlagUtf8;
            }
        }

        return 0;
    }

    /// <summary>A local header: sizes and CRC as known (zeros for a streamed entry), a zip64 field when they do not fit.</summary>
    private void WriteLocalHeader(Entry entry, bool zip64)
    {
        var header = _scratch.AsSpan(0, 30);
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], zip64 ? VersionZip64 : VersionDeflate);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)(entry.Flags | NameFlag(entry.Name)));
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], MethodDeflate);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], _dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], _dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[14..], entry.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[18..], zip64 ? uint.MaxValue : (uint)entry.Compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(header[22..], zip64 ? uint.MaxValue : (uint)entry.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], (ushort)entry.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)(zip64 ? 20 : 0));
        Put(header);
        Put(entry.Name);
        if (zip64)
        {
            var extra = _scratch.AsSpan(0, 20);
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[4..], (ulong)entry.Size);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[12..], (ulong)entry.Compressed);
            Put(extra);
        }
    }

    private void WriteCentralHeader(Entry entry)
    {
        // The zip64 field holds, in this order, only the values whose classic field says 0xFFFFFFFF.
        Span<long> big = stackalloc long[3];
        var bigCount = 0;
        if (entry.Size >= _zip64Threshold)
        {
            big[bigCount++] = entry.Size;
        }

        if (entry.Compressed >= _zip64Threshold)
        {
            big[bigCount++] = entry.Compressed;
        }

        if (entry.Offset >= _zip64Threshold)
        {
            big[bigCount++] = entry.Offset;
        }

        var header = _scratch.AsSpan(0, 46);
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x02014b50);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], VersionZip64); // made by (MS-DOS host, spec 4.5)
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], bigCount > 0 ? VersionZip64 : VersionDeflate);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], (ushort)(entry.Flags | NameFlag(entry.Name)));
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], MethodDeflate);
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], _dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(header[14..], _dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], entry.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], Field32(entry.Compressed));
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], Field32(entry.Size));
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)entry.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[30..], (ushort)(bigCount > 0 ? 4 + (8 * bigCount) : 0));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 0); // comment
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 0); // disk
        BinaryPrimitives.WriteUInt16LittleEndian(header[36..], 0); // internal attributes
        BinaryPrimitives.WriteUInt32LittleEndian(header[38..], 0); // external attributes
        BinaryPrimitives.WriteUInt32LittleEndian(header[42..], Field32(entry.Offset));
        Put(header);
        Put(entry.Name);
        if (bigCount > 0)
        {
            var extra = _scratch.AsSpan(0, 4 + (8 * bigCount));
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)(8 * bigCount));
            for (var i = 0; i < bigCount; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(extra[(4 + (8 * i))..], (ulong)big[i]);
            }

            Put(extra);
        }
    }

    /// <summary>Compresses a buffered entry in one go (its CRC from the gzip trailer) and writes it with its sizes up front.</summary>
    private void EndBuffered(string name, ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty)
        {
            // The compressor writes nothing for no input: an empty final block (fixed codes, BFINAL set) instead.
            var empty = new Entry(Encoding.UTF8.GetBytes(name), _position, 0) { Crc = 0, Size = 0, Compressed = 2 };
            _entries.Add(empty);
            WriteLocalHeader(empty, zip64: false);
            Put([0x03, 0x00]);
            _entryOpen = false;
            return;
        }

        var compressed = new MemoryStream((content.Length / 3) + 64);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        var bytes = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        var entry = new Entry(Encoding.UTF8.GetBytes(name), _position, 0)
        {
            Crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^GzipTrailer..]),
            Size = content.Length,
            Compressed = bytes.Length - GzipHeader - GzipTrailer,
        };
        _entries.Add(entry);
        WriteLocalHeader(entry, zip64: entry.Size >= _zip64Threshold || entry.Compressed >= _zip64Threshold);
        Put(bytes[GzipHeader..^GzipTrailer]);
        _entryOpen = false;
    }

    /// <summary>After a streamed entry's data: the data descriptor (8-byte sizes when they do not fit 4).</summary>
    private void EndStreamed(Entry entry, ParallelDeflateStream deflate)
    {
        _position += deflate.CompressedLength;
        entry.Crc = deflate.Crc32;
        entry.Size = deflate.Length;
        entry.Compressed = deflate.CompressedLength;
        _entries.Add(entry);
        var wide = entry.Size >= _zip64Threshold || entry.Compressed >= _zip64Threshold;
        var descriptor = _scratch.AsSpan(0, wide ? 24 : 16);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor, 0x08074b50);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[4..], entry.Crc);
        if (wide)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor[8..], (ulong)entry.Compressed);
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor[16..], (ulong)entry.Size);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor[8..], (uint)entry.Compressed);
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor[12..], (uint)entry.Size);
        }

        Put(descriptor);
        _entryOpen = false;
    }

    private sealed class Entry(byte[] name, long offset, ushort flags)
    {
        public byte[] Name { get; } = name;

        public long Offset { get; } = offset;

        public ushort Flags { get; } = flags;

        public uint Crc { get; set; }

        public long Size { get; set; }

        public long Compressed { get; set; }
    }

    /// <summary>A small entry's bytes, written to the package when disposed.</summary>
    private sealed class BufferedEntry(ZipPackageWriter owner, string name) : MemoryStream
    {
        private bool _closed;

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_closed)
            {
                _closed = true;
                owner.EndBuffered(name, GetBuffer().AsSpan(0, (int)Length));
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A big entry's stream: its bytes go to the parallel deflate; disposing it writes the data descriptor.</summary>
    private sealed class StreamedEntry(ZipPackageWriter owner, Entry entry, ParallelDeflateStream deflate) : Stream
    {
        private bool _closed;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => !_closed;

        public override long Length => deflate.Length;

        public override long Position
        {
            get => deflate.Length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => deflate.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => deflate.Write(buffer);

        public override void WriteByte(byte value) => deflate.WriteByte(value);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_closed)
            {
                _closed = true;
                deflate.Dispose(); // waits for every block; rethrows a compression or output failure
                owner.EndStreamed(entry, deflate);
            }

            base.Dispose(disposing);
        }
    }
}
