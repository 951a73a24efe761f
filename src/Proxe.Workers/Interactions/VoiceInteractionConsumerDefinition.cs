using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class VoiceInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<VoiceInteractionConsumer>(Channels.Voice, options.Value);
