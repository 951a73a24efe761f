using MassTransit;
using Proxe.Contracts;
using RabbitMQ.Client;

namespace Proxe.Messaging;

/// <summary>
/// The broker layout shared by the gateway (publisher) and the workers (consumers):
/// ChannelInteractionReceived goes to a direct exchange with the channel as routing key,
/// and each channel has its own durable queue bound to that key.
/// </summary>
public static class MessagingTopology
{
    public const string LeadJourneyQueue = "lead-journey";

    public static string QueueFor(string channel) => $"{channel}-interactions";

    public static void ConfigureInteractionRouting(this IRabbitMqBusFactoryConfigurator cfg)
    {
        cfg.Send<ChannelInteractionReceived>(x => x.UseRoutingKeyFormatter(context => context.Message.Channel));
        cfg.Publish<ChannelInteractionReceived>(x => x.ExchangeType = ExchangeType.Direct);
    }

    /// <summary>Binds a channel queue to its routing key only, instead of MassTransit's fan-out default.</summary>
    public static void BindChannel(this IRabbitMqReceiveEndpointConfigurator endpoint, string channel)
    {
        endpoint.ConfigureConsumeTopology = false;
        endpoint.Bind<ChannelInteractionReceived>(x =>
        {
            x.ExchangeType = ExchangeType.Direct;
            x.RoutingKey = channel;
        });
    }
}
