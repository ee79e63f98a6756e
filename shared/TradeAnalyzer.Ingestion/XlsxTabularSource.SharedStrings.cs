using System.IO.Compression;
using DocumentFormat.OpenXml.Packaging;

namespace TradeAnalyzer.Ingestion;

internal sealed partial class XlsxTabularSource
{
    /// <summary>
    /// A big workbook's shared strings read on a thread of their own while the sheet is read. Read first, as they were,
    /// they held the sheet back by their whole scan (0.36 s of a full sheet's 0.45 s opening, the other core idle),
    /// although the sheet's first rows need only the first strings: Excel and most writers list them in the order the
    /// cells first use them. The rows now wait only for a string not read yet (<see cref="SharedStringChars.Has"/>).
    /// </summary>
    /// <remarks>
    /// The part is read through a zip reader of its own over a positional view of the spooled file
    /// (<see cref="FileViewStream"/>), so the sheet's reading and this one never share a stream position. The same
    /// strings come out as when read first, and the same errors: a malformed part fails the row that needs a string
    /// after the fault, or the end of the sheet, with the same message (rows before it stay read, as with a sheet
    /// that breaks off). Dispose stops the thread and waits for it.
    /// </remarks>
    private sealed class SharedStringsLoad : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;
        private readonly ZipArchive _zip;
        private readonly Utf8XmlScanner _scan;
        private readonly int _maxField;

        private SharedStringsLoad(ZipArchive zip, Utf8XmlScanner scan, int maxField)
        {
            _zip = zip;
            _scan = scan;
            _maxField = maxField;
            Table.BeginLoading();
            _thread = new Thread(Run) { IsBackground = true, Name = "xlsx shared strings" };
            _thread.Start();
        }

        public SharedStringChars Table { get; } = new();

        /// <summary>
        /// Starts reading <paramref name="part"/> beside the sheet; null when it is small, not UTF-8, or not found by its
        /// name in the zip (then it is read first, the way that reports its errors as before).
        /// </summary>
        public static SharedStringsLoad? TryStart(FileStream spool, SharedStringTablePart? part, TabularSourceOptions options)
        {
            if (part is null || options.XlsxWithXmlReader)
            {
                return null;
            }

            ZipArchive? zip = null;
            try
            {
                zip = new ZipArchive(new FileViewStream(spool.SafeFileHandle), ZipArchiveMode.Read, leaveOpen: false);
                var name = part.Uri.OriginalString.TrimStart('/');
                var entry = zip.GetEntry(name);
                if (entry is null || entry.Length < options.SharedStringsInBackgroundMinBytes)
                {
                    zip.Dispose();
                    return null;
                }

                if (Utf8ScannerOrNull(entry.Open(), 1 << 16) is not { } scan)
                {
                    zip.Dispose();
                    return null;
                }

                return new SharedStringsLoad(zip, scan, options.MaxFieldLength);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or System.Xml.XmlException or NotSupportedException)
            {
                // Read first instead, which reports what is wrong with the part the way it always has.
                zip?.Dispose();
                return null;
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
            _stop.Dispose();
        }

        private void Run()
        {
            Exception? failure = null;
            try
            {
                ScanSharedStrings(_scan, Table, _maxField, _stop.Token);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                _scan.Dispose();
                _zip.Dispose();
                Table.Complete(failure);
            }
        }
    }
}
