using System.Text.Json.Serialization;
using MassTransit;
using Proxe.Contracts;
using RabbitMQ.Client;

namespace Proxe.Messaging;

/// <summary>
/// The broker layout shared by the gateway (publisher) and the workers (consumers): InteractionsReceived (what the
/// gateway publishes, interactions of any channels) goes to the interactions queue. ChannelInteractionReceived (one
/// interaction alone: a worker's culprit on its way to _error, and earlier versions) and ChannelInteractionsReceived
/// (earlier versions) each go to a direct exchange with the channel as routing key, and each channel has its own
/// durable queue bound to that key on both, and its own _error queue.
/// </summary>
public static class MessagingTopology
{
    public const string LeadJourneyQueue = "lead-journey";

    /// <summary>Where the gateway's messages wait: one queue for every channel, so a request's interactions travel in one message.</summary>
    public const string InteractionsQueue = "interactions";

    public static string QueueFor(string channel) => $"{channel}-interactions";

    /// <summary>How interaction messages are routed and written, the same in the gateway and the workers.</summary>
    public static void ConfigureInteractionRouting(this IRabbitMqBusFactoryConfigurator cfg)
    {
        // Compact bodies: MassTransit indents and writes nulls by default, which together double an interaction's bytes on the
        // wire and in the broker's message store.
        cfg.ConfigureJsonSerializerOptions(options =>
        {
            options.WriteIndented = false;
            options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            return options;
        });
        cfg.Send<ChannelInteractionReceived>(x => x.UseRoutingKeyFormatter(context => context.Message.Channel));
        cfg.Publish<ChannelInteractionReceived>(x => x.ExchangeType = ExchangeType.Direct);
        cfg.Send<ChannelInteractionsReceived>(x => x.UseRoutingKeyFormatter(context => context.Message.Channel));
        cfg.Publish<ChannelInteractionsReceived>(x => x.ExchangeType = ExchangeType.Direct);
    }

    /// <summary>
    /// Durable, and mandatory so a message that no queue is bound for is returned instead of dropped. A single
    /// interaction's MessageId is its interaction id: a failed batch's error routing recognises its culprits by it.
    /// </summary>
    public static void ConfigureInteractionPublish<T>(PublishContext<T> context) where T : class
    {
        if (context.Message is ChannelInteractionReceived interaction)
            context.MessageId = interaction.InteractionId;
        context.Durable = true;
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            rabbit.Mandatory = true;
    }

    /// <summary>Binds a channel queue to its routing key only, instead of MassTransit's fan-out default.</summary>
    public static void BindChannel(this IRabbitMqReceiveEndpointConfigurator endpoint, string channel)
    {
        endpoint.ConfigureConsumeTopology = false;
        endpoint.Bind<ChannelInteractionsReceived>(x =>
        {
            x.ExchangeType = ExchangeType.Direct;
            x.RoutingKey = channel;
        });
        endpoint.Bind<ChannelInteractionReceived>(x =>
        {
            x.ExchangeType = ExchangeType.Direct;
            x.RoutingKey = channel;
        });
    }
}
