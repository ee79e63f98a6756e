namespace TradeAnalyzer.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("tradeanalyzer: the command line is being assembled; no command is available yet.");
        return args.Length == 0 ? 2 : 2;
    }
}
