using MassTransit;
using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class WhatsAppInteractionConsumer(InteractionRecorder recorder, WhatsAppSessionWriter sessions) : IConsumer<ChannelInteractionReceived>
{
    public async Task Consume(ConsumeContext<ChannelInteractionReceived> context)
    {
        var recorded = await recorder.RecordAsync(context.Message, sessions, context.CancellationToken);
        await context.Publish(recorded, context.CancellationToken);
    }
}

public sealed class WhatsAppInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<WhatsAppInteractionConsumer>(Channels.WhatsApp, options.Value);
