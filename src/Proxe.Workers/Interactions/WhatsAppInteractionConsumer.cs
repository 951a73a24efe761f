using Proxe.Messaging;

namespace Proxe.Workers.Interactions;

public sealed class WhatsAppInteractionConsumer(InteractionRecorder recorder, WhatsAppSessionWriter sessions, ProxeMetrics metrics) : InteractionBatchConsumer(recorder, sessions, metrics);
