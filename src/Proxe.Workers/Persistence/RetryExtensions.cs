using MassTransit;
using Npgsql;

namespace Proxe.Workers.Persistence;

public static class RetryExtensions
{
    /// <summary>
    /// Races (serialization failures, deadlocks, unique violations, saga version conflicts) and dropped connections
    /// get short exponential retries in memory; anything else, or a race that keeps losing, goes to the _error queue.
    /// There is no delayed-exchange plugin, so no delayed redelivery.
    /// </summary>
    public static void UseTransientRetry(this IConsumePipeConfigurator configurator, WorkerOptions options) =>
        configurator.UseMessageRetry(retry =>
        {
            retry.Handle<NpgsqlException>(TransientFailures.IsRetryable);
            retry.Handle<ConcurrencyException>();
            retry.Exponential(options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryIntervalDelta);
        });
}
