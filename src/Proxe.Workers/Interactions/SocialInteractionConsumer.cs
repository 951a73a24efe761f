using Microsoft.Extensions.Options;
using Proxe.Messaging;

namespace Proxe.Workers.Interactions;

public sealed class SocialInteractionConsumer(InteractionRecorder recorder, SocialSessionWriter sessions, ProxeMetrics metrics, IOptions<WorkerOptions> options)
    : InteractionBatchConsumer(recorder, sessions, metrics, options);
