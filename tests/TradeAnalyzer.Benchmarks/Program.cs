namespace TradeAnalyzer.Benchmarks;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("benchmarks: none registered yet.");
        return args.Length == 0 ? 2 : 2;
    }
}
