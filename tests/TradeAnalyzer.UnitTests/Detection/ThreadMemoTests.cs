using TradeAnalyzer.Core.Detection;

namespace TradeAnalyzer.UnitTests.Detection;

public sealed class ThreadMemoTests
{
    [ThreadStatic]
    private static Dictionary<int, string>? t_memo;

    [Fact]
    public void Makes_each_text_once_until_full_then_starts_again()
    {
        t_memo = null;
        var made = 0;
        string Make(int k)
        {
            made++;
            return "text " + k;
        }

        var first = ThreadMemo.Get(ref t_memo, EqualityComparer<int>.Default, 1, 1, Make, max: 3);
        Assert.Same(first, ThreadMemo.Get(ref t_memo, EqualityComparer<int>.Default, 1, 1, Make, max: 3));
        Assert.Equal(1, made);

        ThreadMemo.Get(ref t_memo, EqualityComparer<int>.Default, 2, 2, Make, max: 3);
        ThreadMemo.Get(ref t_memo, EqualityComparer<int>.Default, 3, 3, Make, max: 3);
        Assert.Equal(3, t_memo!.Count);

        // Full: the fourth text clears the memo, so the first is made again (equal, not the same instance).
        Assert.Equal("text 4", ThreadMemo.Get(ref t_memo, EqualityComparer<int>.Default, 4, 4, Make, max: 3));
        Assert.Single(t_memo!);
        var again = ThreadMemo.Get(ref t_memo, EqualityComparer<int>.Default, 1, 1, Make, max: 3);
        Assert.Equal(first, again);
        Assert.NotSame(first, again);
        Assert.Equal(5, made);
    }

    [Fact]
    public void Each_thread_has_its_own_memo()
    {
        t_memo = null;
        var here = ThreadMemo.Get(ref t_memo, EqualityComparer<int>.Default, 7, 7, k => "seven " + k);
        string? there = null;
        var thread = new Thread(() => there = ThreadMemo.Get(ref t_memo, EqualityComparer<int>.Default, 7, 7, k => "seven " + k));
        thread.Start();
        thread.Join();

        Assert.Equal(here, there);
        Assert.NotSame(here, there);
        Assert.Same(here, ThreadMemo.Get(ref t_memo, EqualityComparer<int>.Default, 7, 7, k => "other " + k));
    }
}
