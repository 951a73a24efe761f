using MassTransit;
using Proxe.Messaging;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

/// <summary>Queue name, throughput and failure handling shared by the four channel consumers.</summary>
public abstract class InteractionConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    readonly WorkerOptions _options;

    protected InteractionConsumerDefinition(string channel, WorkerOptions options)
    {
        _options = options;
        EndpointName = MessagingTopology.QueueFor(channel);
        ConcurrentMessageLimit = options.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseTransientRetry(_options);
        // LeadInteractionRecorded leaves only after the transaction committed and the consumer returned.
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
