using Microsoft.Extensions.Options;
using Proxe.Messaging;

namespace Proxe.Workers.Interactions;

public sealed class VoiceInteractionConsumer(InteractionRecorder recorder, VoiceSessionWriter sessions, ProxeMetrics metrics, IOptions<WorkerOptions> options)
    : InteractionBatchConsumer(recorder, sessions, metrics, options);
