using Proxe.ServiceDefaults;
using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class VoiceInteractionConsumer(InteractionRecorder recorder, VoiceSessionWriter sessions, ProxeMetrics metrics) : InteractionBatchConsumer(recorder, sessions, metrics);

public sealed class VoiceInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<VoiceInteractionConsumer>(Channels.Voice, options.Value);
