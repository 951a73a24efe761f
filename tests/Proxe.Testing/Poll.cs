using System.Diagnostics;

namespace Proxe.Testing;

/// <summary>The one poll-until loop of the test suite: reads until a condition holds, or fails with what it saw last.</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="read"/> until <paramref name="until"/> holds and returns that value.</summary>
    public static async Task<T> ForAsync<T>(string what, Func<Task<T>> read, Func<T, bool> until, TimeSpan? timeout = null,
        Func<T, string>? describe = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var seen = await read();
            if (until(seen))
                return seen;
            if (clock.Elapsed > limit)
                throw new TimeoutException($"Waited {limit.TotalSeconds:0}s until {what}; last seen: {(describe is null ? seen?.ToString() : describe(seen))}");
            await Task.Delay(Interval);
        }
    }

    public static Task UntilAsync(string what, Func<Task<bool>> condition, TimeSpan? timeout = null) =>
        ForAsync(what, condition, holds => holds, timeout);
}
