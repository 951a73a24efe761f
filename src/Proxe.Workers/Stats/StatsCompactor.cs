using Microsoft.Extensions.Options;
using Npgsql;

namespace Proxe.Workers.Stats;

/// <summary>
/// Moves the dashboard stats' pending deltas into their rollups (proxe_compact_stats(), migration 006) every
/// <see cref="WorkerOptions.StatsCompactionInterval"/>. The function takes an advisory lock, so with several replicas
/// one compacts and the others skip. Readers add what is pending themselves: a late or failed run only makes them read more rows.
/// </summary>
public sealed class StatsCompactor(NpgsqlDataSource dataSource, IOptions<WorkerOptions> options, ILogger<StatsCompactor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StatsCompactionInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT proxe_compact_stats()");
                var moved = (long)(await command.ExecuteScalarAsync(stoppingToken))!;
                if (moved > 0)
                    logger.LogDebug("Compacted {Deltas} stats deltas", moved);
            }
            // Never stops the workers: the next tick tries again.
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Stats compaction failed; retrying in {Interval}", options.Value.StatsCompactionInterval);
            }
        }
    }
}
