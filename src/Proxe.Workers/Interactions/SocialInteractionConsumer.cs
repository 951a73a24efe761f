using Proxe.Messaging;

namespace Proxe.Workers.Interactions;

public sealed class SocialInteractionConsumer(InteractionRecorder recorder, SocialSessionWriter sessions, ProxeMetrics metrics) : InteractionBatchConsumer(recorder, sessions, metrics);
