using MassTransit;
using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class SocialInteractionConsumer(InteractionRecorder recorder, SocialSessionWriter sessions) : IConsumer<ChannelInteractionReceived>
{
    public async Task Consume(ConsumeContext<ChannelInteractionReceived> context)
    {
        var recorded = await recorder.RecordAsync(context.Message, sessions, context.CancellationToken);
        await context.Publish(recorded, context.CancellationToken);
    }
}

public sealed class SocialInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<SocialInteractionConsumer>(Channels.Social, options.Value);
