using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class SocialInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<SocialInteractionConsumer>(Channels.Social, options.Value);
