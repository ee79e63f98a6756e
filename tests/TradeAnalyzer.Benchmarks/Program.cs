namespace TradeAnalyzer.Benchmarks;

internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "report")
        {
            return ReportBenchmark.Run(args[1..]);
        }

        Console.Error.WriteLine("benchmarks: none registered yet.");
        return args.Length == 0 ? 2 : 2;
    }
}
