using Microsoft.Extensions.Options;
using Npgsql;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Journey;

/// <summary>
/// Every hour, forgets the interactions the journey folded in more than <see cref="WorkerOptions.JourneyMemory"/> ago
/// (migration 008), a few thousand rows per statement so no transaction grows with the backlog. Replicas may run it
/// at the same time: they delete the same rows.
/// </summary>
public sealed class JourneyMemoryPruner(NpgsqlDataSource dataSource, IOptions<WorkerOptions> options, TimeProvider clock,
    ILogger<JourneyMemoryPruner> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    const int RowsPerStatement = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            // Never stops the workers: the next tick tries again.
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Pruning the journey's memory failed; retrying in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the rows older than the memory; returns how many.</summary>
    public async Task<long> PruneAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - options.Value.JourneyMemory;
        long pruned = 0;
        int deleted;
        do
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = connection.Command("""
                DELETE FROM lead_journey_interactions
                WHERE ctid = ANY(ARRAY(SELECT ctid FROM lead_journey_interactions WHERE folded_at < @before LIMIT @limit))
                """)
                .With("before", before)
                .With("limit", RowsPerStatement);
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            pruned += deleted;
        }
        while (deleted == RowsPerStatement);
        if (pruned > 0)
            logger.LogInformation("Forgot {Interactions} interactions the journey folded in before {Before}", pruned, before);
        return pruned;
    }
}
