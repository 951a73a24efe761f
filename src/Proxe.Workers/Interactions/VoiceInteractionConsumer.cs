using Proxe.Messaging;

namespace Proxe.Workers.Interactions;

public sealed class VoiceInteractionConsumer(InteractionRecorder recorder, VoiceSessionWriter sessions, ProxeMetrics metrics) : InteractionBatchConsumer(recorder, sessions, metrics);
