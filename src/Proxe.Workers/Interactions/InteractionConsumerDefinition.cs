using MassTransit;
using Proxe.Messaging;

namespace Proxe.Workers.Interactions;

/// <summary>A channel's endpoint: its queue bound to its routing key, batching, and the failure policy.</summary>
public abstract class InteractionConsumerDefinition<TConsumer>(string channel, WorkerOptions options)
    : BatchConsumerDefinition<TConsumer>(MessagingTopology.QueueFor(channel), options, options.BatchTimeLimit)
    where TConsumer : class, IConsumer
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbitMq)
            rabbitMq.BindChannel(channel);
        base.ConfigureConsumer(endpointConfigurator, consumerConfigurator, context);
    }
}
