using MassTransit;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Proxe.Workers.Health;

/// <summary>
/// Restarts the bus when an endpoint MassTransit calls healthy has had no consumer at the broker for
/// <see cref="WorkerOptions.ConsumerlessRestartAfter"/>. After a RabbitMQ restart, MassTransit 8.x now and then leaves
/// endpoints that believe they consume while the broker has none for them (MassTransit#5692, #5942): their messages would
/// wait for a human to restart the workers. An endpoint a kill switch paused, or one still reconnecting, is not healthy and
/// not counted; nor is anything while the broker cannot be asked. The broker counts every replica's consumers, so a
/// replica's lost endpoint is seen only once no other replica consumes that queue.
/// </summary>
public sealed class ConsumerWatchdog(IBusControl bus, IConfiguration configuration, IOptions<WorkerOptions> options,
    TimeProvider time, ILogger<ConsumerWatchdog> logger) : BackgroundService
{
    readonly Dictionary<string, DateTimeOffset> _missingSince = [];
    IConnection? _connection;
    IChannel? _channel;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(configuration.GetConnectionString("RabbitMq")
                ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not configured.")),
            ClientProvidedName = "proxe-workers-consumer-watchdog",
            AutomaticRecoveryEnabled = false,
        };
        var failing = false;
        using var timer = new PeriodicTimer(options.Value.ConsumerCheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var withoutConsumer = await HealthyQueuesWithoutConsumerAsync(factory, stoppingToken);
                    failing = false;
                    if (Overdue(withoutConsumer) is { Count: > 0 } overdue)
                        await RestartBusAsync(overdue, stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // The broker cannot say who consumes: count from scratch once it can.
                    if (!failing)
                        logger.LogWarning("Consumer watchdog cannot ask the broker: {Error}", exception.GetType().Name);
                    failing = true;
                    _missingSince.Clear();
                    await CloseAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await CloseAsync();
        }
    }

    async Task<List<string>> HealthyQueuesWithoutConsumerAsync(ConnectionFactory factory, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        foreach (var queue in HealthyEndpointQueues())
        {
            _connection ??= await factory.CreateConnectionAsync(cancellationToken);
            _channel ??= await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                if ((await _channel.QueueDeclarePassiveAsync(queue, cancellationToken)).ConsumerCount == 0)
                    missing.Add(queue);
            }
            catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == Constants.NotFound)
            {
                // The 404 closed the channel; the next queue gets a new one.
                await _channel.DisposeAsync();
                _channel = null;
                missing.Add(queue);
            }
        }
        return missing;
    }

    /// <summary>The durable queues of the endpoints MassTransit believes consume (not the bus's temporary reply queue).</summary>
    IEnumerable<string> HealthyEndpointQueues() => bus.CheckHealth().Endpoints
        .Where(endpoint => endpoint.Value.Status == BusHealthStatus.Healthy)
        .Select(endpoint => new Uri(endpoint.Key))
        .Where(address => !address.Query.Contains("temporary=true", StringComparison.OrdinalIgnoreCase))
        .Select(address => address.AbsolutePath.TrimEnd('/').Split('/')[^1])
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
        logger.LogWarning("No consumer at the broker on {Queues} for {Seconds} s although the bus believes it consumes: restarting the bus",
            string.Join(", ", queues), options.Value.ConsumerlessRestartAfter.TotalSeconds);
        _missingSince.Clear();
        await bus.StopAsync(cancellationToken);
        // Stopping the host meanwhile: MassTransit's own hosted service stops the bus after this one, leave it stopped.
        cancellationToken.ThrowIfCancellationRequested();
        await bus.StartAsync(cancellationToken);
        logger.LogInformation("Bus restarted by the consumer watchdog");
    }

    async Task CloseAsync()
    {
        try
        {
            if (_channel is not null)
                await _channel.DisposeAsync();
            if (_connection is not null)
                await _connection.DisposeAsync();
        }
        catch (Exception exception)
        {
            logger.LogDebug("Consumer watchdog's broker connection did not close cleanly: {Error}", exception.GetType().Name);
        }
        (_channel, _connection) = (null, null);
    }
}
