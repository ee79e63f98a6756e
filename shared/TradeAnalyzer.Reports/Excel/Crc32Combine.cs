namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Joins the CRC-32s (the zip and gzip polynomial, reflected 0xEDB88320) of two byte runs into the CRC-32 of the runs
/// one after the other, from the second run's length alone: crc(A B) = crc(A) times x^(8 |B|) mod P, plus crc(B). The
/// workbook's big parts are deflated in blocks on several threads (<see cref="ParallelDeflateStream"/>), each block's
/// CRC coming free with its compression; the entry's CRC is joined from them in order. The same arithmetic as zlib's
/// <c>crc32_combine</c> (multiplication modulo P, with the powers x^(2^k) tabulated): 32 steps per multiplication, a few
/// multiplications per block, nothing next to compressing the block.
/// </summary>
internal static class Crc32Combine
{
    private const uint Polynomial = 0xEDB88320;

    /// <summary>x^(2^k) mod P for k = 0..31 (bit-reflected: x^0 is the top bit).</summary>
    private static readonly uint[] PowersOfTwo = BuildPowers();

    /// <summary>The CRC-32 of A then B, given crc(A), crc(B) and B's length in bytes.</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lengthB);
        return MultiplyModP(XPowerModP(lengthB, 3), crcA) ^ crcB;
    }

    /// <summary>a times b modulo P (both bit-reflected polynomials).</summary>
    private static uint MultiplyModP(uint a, uint b)
    {
        var m = 1u << 31;
        var product = 0u;
        while (true)
        {
            if ((a & m) != 0)
            {
                product ^= b;
                if ((a & (m - 1)) == 0)
                {
                    return product;
                }
            }

            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }
    }

    /// <summary>x^(n 2^k) mod P: for a length of n bytes, k = 3 (8 bits a byte).</summary>
    private static uint XPowerModP(long n, int k)
    {
        var p = 1u << 31; // x^0
        while (n != 0)
        {
            if ((n & 1) != 0)
            {
                p = MultiplyModP(PowersOfTwo[k & 31], p);
            }

            n >>= 1;
            k++;
        }

        return p;
    }

    private static uint[] BuildPowers()
    {
        var table = new uint[32];
        var p = 1u << 30; // x^1
        table[0] = p;
        for (var k = 1; k < table.Length; k++)
        {
            p = MultiplyModP(p, p);
            table[k] = p;
        }

        return table;
    }
}
