namespace Proxe.Workers.Persistence;

/// <summary>A batch that fails on an item's own data is split in halves until the culprits stand alone; the others go through.</summary>
public static class BatchSplitting
{
    /// <summary>
    /// Runs <paramref name="work"/> on the whole batch, then on halves of a part that failed on its data, and hands each
    /// culprit to <paramref name="refuse"/>. Outages and races are not handled here: they fail the batch, for the endpoint's
    /// failure policy.
    /// </summary>
    public static async Task RunAsync<T>(IReadOnlyList<T> items, Func<IReadOnlyList<T>, Task> work, Action<T, Exception> refuse)
    {
        try
        {
            await work(items);
        }
        catch (Exception exception) when (Failures.Classify(exception) == FailureKind.Message)
        {
            if (items.Count == 1)
            {
                refuse(items[0], exception);
                return;
            }
            var half = items.Count / 2;
            await RunAsync(items.Take(half).ToList(), work, refuse);
            await RunAsync(items.Skip(half).ToList(), work, refuse);
        }
    }
}
