using MassTransit;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Proxe.Workers.Health;

/// <summary>
/// Restarts the bus when one of its receive endpoints' queues has had no consumer at the broker for
/// <see cref="WorkerOptions.ConsumerlessRestartAfter"/>. After a RabbitMQ restart, MassTransit 8.x now and then leaves
/// endpoints that believe they consume while the broker has no consumer for them (MassTransit#5692, #5942): their
/// messages would wait for a human to restart the workers. A kill switch's pause is shorter than the limit, and while the
/// broker cannot be asked nothing is counted.
/// </summary>
public sealed partial class ConsumerWatchdog(IBusControl bus, IConfiguration configuration, IOptions<WorkerOptions> options,
    TimeProvider time, ILogger<ConsumerWatchdog> logger) : BackgroundService
{
    readonly Dictionary<string, DateTimeOffset> _missingSince = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(configuration.GetConnectionString("RabbitMq")
                ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not configured.")),
            ClientProvidedName = "proxe-workers-consumer-watchdog",
        };
        IConnection? connection = null;
        using var timer = new PeriodicTimer(options.Value.ConsumerCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    connection ??= await factory.CreateConnectionAsync(stoppingToken);
                    var queues = await QueuesWithoutConsumerAsync(connection, stoppingToken);
                    if (Overdue(queues) is { Count: > 0 } overdue)
                        await RestartBusAsync(overdue, stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // The broker cannot say who consumes: count from scratch once it can.
                    LogCheckFailed(exception.GetType().Name, exception.Message);
                    _missingSince.Clear();
                    if (connection is not null)
                        await connection.DisposeAsync();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null)
                await connection.DisposeAsync();
        }
    }

    async Task<List<string>> QueuesWithoutConsumerAsync(IConnection connection, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        foreach (var queue in EndpointQueues())
        {
            // A passive declare of a missing queue closes its channel: one channel per queue.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                if ((await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).ConsumerCount == 0)
                    missing.Add(queue);
            }
            catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == Constants.NotFound)
            {
                missing.Add(queue);
            }
        }
        return missing;
    }

    /// <summary>The durable queues of the bus's receive endpoints (not its own temporary reply queue).</summary>
    IEnumerable<string> EndpointQueues() => bus.CheckHealth().Endpoints.Keys
        .Select(key => new Uri(key))
        .Where(address => !address.Query.Contains("temporary=true", StringComparison.OrdinalIgnoreCase))
        .Select(address => address.AbsolutePath.TrimEnd('/').Split('/')[^1])
        .Where(queue => queue.Length > 0)
        .Distinct();

    List<string> Overdue(List<string> withoutConsumer)
    {
        var now = time.GetUtcNow();
        foreach (var queue in _missingSince.Keys.Except(withoutConsumer).ToList())
            _missingSince.Remove(queue);
        foreach (var queue in withoutConsumer)
            _missingSince.TryAdd(queue, now);
        return _missingSince.Where(missing => now - missing.Value >= options.Value.ConsumerlessRestartAfter)
            .Select(missing => missing.Key).Order().ToList();
    }

    async Task RestartBusAsync(List<string> queues, CancellationToken cancellationToken)
    {
        LogRestarting(string.Join(", ", queues), options.Value.ConsumerlessRestartAfter.TotalSeconds);
        _missingSince.Clear();
        try
        {
            await bus.StopAsync(cancellationToken);
            await bus.StartAsync(cancellationToken);
            LogRestarted();
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogRestartFailed(exception);
        }
    }

    [LoggerMessage(LogLevel.Warning, "No consumer at the broker on {Queues} for {Seconds} s although the bus runs: restarting the bus")]
    partial void LogRestarting(string queues, double seconds);

    [LoggerMessage(LogLevel.Debug, "Consumer check failed: {Type}: {Reason}")]
    partial void LogCheckFailed(string type, string reason);

    [LoggerMessage(LogLevel.Information, "Bus restarted by the consumer watchdog")]
    partial void LogRestarted();

    [LoggerMessage(LogLevel.Error, "The consumer watchdog could not restart the bus; it tries again once the queues have been without a consumer as long again")]
    partial void LogRestartFailed(Exception exception);
}
