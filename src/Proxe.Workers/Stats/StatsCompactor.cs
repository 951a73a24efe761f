using Microsoft.Extensions.Options;
using Npgsql;

namespace Proxe.Workers.Stats;

/// <summary>
/// Moves the dashboard stats' pending deltas into their rollups (proxe_compact_stats(), migration 006) every
/// <see cref="WorkerOptions.StatsCompactionInterval"/>. The function takes an advisory lock, so with several replicas
/// one compacts and the others skip. Readers add what is pending themselves: a late or failed run only makes them read more rows.
/// It also merges the channels' first times the journey has not taken after <see cref="NotedChannelFirstsAge"/>
/// (proxe_merge_noted_channel_firsts(), migration 009): the journey takes them within its lag unless an event was lost.
/// </summary>
public sealed class StatsCompactor(NpgsqlDataSource dataSource, IOptions<WorkerOptions> options, ILogger<StatsCompactor> logger) : BackgroundService
{
    public static readonly TimeSpan NotedChannelFirstsAge = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StatsCompactionInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT proxe_compact_stats(), proxe_merge_noted_channel_firsts($1)");
                command.Parameters.Add(new NpgsqlParameter { Value = NotedChannelFirstsAge });
                await using var reader = await command.ExecuteReaderAsync(stoppingToken);
                await reader.ReadAsync(stoppingToken);
                var (moved, merged) = (reader.GetInt64(0), reader.GetInt64(1));
                if (moved > 0)
                    logger.LogDebug("Compacted {Deltas} stats deltas", moved);
                if (merged > 0)
                    logger.LogWarning("Merged {Count} channel first time(s) the lead journey had not taken after {Age}", merged, NotedChannelFirstsAge);
            }
            // Never stops the workers: the next tick tries again.
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Stats compaction failed; retrying in {Interval}", options.Value.StatsCompactionInterval);
            }
        }
    }
}
