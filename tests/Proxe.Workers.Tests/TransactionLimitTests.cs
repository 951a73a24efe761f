using Proxe.Contracts;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>The worker with transactions of at most three interactions.</summary>
public sealed class SmallTransactionsWorkerHost : WorkerHost
{
    protected override IEnumerable<(string Key, string Value)> Settings => [("Proxe:Workers:TransactionInteractionLimit", "3")];
}

public sealed class TransactionLimitTests(SmallTransactionsWorkerHost host) : IClassFixture<SmallTransactionsWorkerHost>
{
    [Fact]
    public async Task A_message_with_more_interactions_than_a_transaction_takes_is_recorded_in_several_transactions()
    {
        var brand = Brand("txlimit");
        var interactions = SevenCustomers(brand, "+6149157210");

        await host.PublishBundleAsync(interactions);

        await host.WaitForJourneyCountAsync(brand, 7);
        Assert.Equal([3L, 3L, 1L], await RowsPerTransactionAsync(brand));
    }

    [Fact]
    public async Task A_batch_of_more_single_interactions_than_a_transaction_takes_is_recorded_in_several_transactions()
    {
        var brand = Brand("txlimit-single");
        var interactions = SevenCustomers(brand, "+6149157220");

        // Published together, they arrive within one batch's fill time.
        await host.PublishAsync(interactions);

        await host.WaitForJourneyCountAsync(brand, 7);
        var transactions = await RowsPerTransactionAsync(brand);
        Assert.Equal(7L, transactions.Sum());
        Assert.All(transactions, rows => Assert.InRange(rows, 1L, 3L));
    }

    static ChannelInteractionReceived[] SevenCustomers(string brand, string phonePrefix) =>
        Enumerable.Range(0, 7)
            .Select(i => Web(brand, $"s{i}", $"m{i}", T0.AddMinutes(i), Person($"{phonePrefix}{i}"), Text($"hello {i}")))
            .ToArray();

    /// <summary>Rows written by one transaction share its id (xmin).</summary>
    async Task<List<long>> RowsPerTransactionAsync(string brand) =>
        (await host.RowsAsync("SELECT count(*) AS rows FROM messages WHERE brand = @brand GROUP BY xmin::text::bigint ORDER BY xmin::text::bigint",
            ("brand", brand)))
        .Select(transaction => (long)transaction["rows"]!)
        .ToList();
}
