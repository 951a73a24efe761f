using MassTransit;
using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class WebInteractionConsumer(InteractionRecorder recorder, WebSessionWriter sessions) : IConsumer<ChannelInteractionReceived>
{
    public async Task Consume(ConsumeContext<ChannelInteractionReceived> context)
    {
        var recorded = await recorder.RecordAsync(context.Message, sessions, context.CancellationToken);
        await context.Publish(recorded, context.CancellationToken);
    }
}

public sealed class WebInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<WebInteractionConsumer>(Channels.Web, options.Value);
