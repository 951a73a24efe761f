using Proxe.ServiceDefaults;
using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class SocialInteractionConsumer(InteractionRecorder recorder, SocialSessionWriter sessions, ProxeMetrics metrics) : InteractionBatchConsumer(recorder, sessions, metrics);

public sealed class SocialInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<SocialInteractionConsumer>(Channels.Social, options.Value);
