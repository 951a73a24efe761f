using MassTransit;
using Proxe.Messaging;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

/// <summary>A channel's endpoint: its queue bound to its routing key, batching, and the failure policy.</summary>
public abstract class InteractionConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    readonly string _channel;
    readonly WorkerOptions _options;

    protected InteractionConsumerDefinition(string channel, WorkerOptions options)
    {
        _channel = channel;
        _options = options;
        EndpointName = MessagingTopology.QueueFor(channel);
        // Every batch being filled holds its messages unacknowledged: the broker must be allowed to deliver them all.
        var inFlight = options.BatchMessageLimit * options.BatchConcurrency;
        Endpoint(endpoint =>
        {
            endpoint.PrefetchCount = Math.Max(options.PrefetchCount, inFlight);
            endpoint.ConcurrentMessageLimit = inFlight;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbitMq)
            rabbitMq.BindChannel(_channel);
        endpointConfigurator.UseFailurePolicy(_options);
        endpointConfigurator.UseFilter(new DuplicateDeliveryGate());
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.BatchMessageLimit)
            .SetTimeLimit(_options.BatchTimeLimit)
            .SetConcurrencyLimit(_options.BatchConcurrency));
    }
}
