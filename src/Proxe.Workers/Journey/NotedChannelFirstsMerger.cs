using Npgsql;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Journey;

/// <summary>
/// Every half minute, merges into all_leads the channels' first times that the channel transactions noted and no
/// journey save has taken after <see cref="Age"/> (migration 009): a save takes them within the journey's lag, unless
/// the event that follows them was lost. A bounded number per statement, of leads no other transaction holds.
/// </summary>
public sealed class NotedChannelFirstsMerger(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<NotedChannelFirstsMerger> logger)
    : BackgroundService
{
    public static readonly TimeSpan Age = TimeSpan.FromMinutes(1);
    static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    const int RowsPerStatement = 1_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await MergeAsync(Age, stoppingToken);
            }
            // Never stops the workers: the next tick tries again.
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Merging the noted channel first times failed; retrying in {Interval}", Interval);
            }
        }
    }

    /// <summary>Merges the noted times older than <paramref name="age"/>; returns how many.</summary>
    public async Task<long> MergeAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        long merged = 0, done;
        do
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = connection.Command("SELECT proxe_merge_noted_channel_firsts(@age, @most)")
                .With("age", age, NpgsqlTypes.NpgsqlDbType.Interval)
                .With("most", RowsPerStatement);
            done = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            merged += done;
        }
        while (done == RowsPerStatement);
        if (merged > 0)
            logger.LogInformation("Merged {Count} channel first time(s) no lead journey save had taken after {Age}", merged, age);
        return merged;
    }
}
