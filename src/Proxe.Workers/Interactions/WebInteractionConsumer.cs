using Proxe.Messaging;

namespace Proxe.Workers.Interactions;

public sealed class WebInteractionConsumer(InteractionRecorder recorder, WebSessionWriter sessions, ProxeMetrics metrics) : InteractionBatchConsumer(recorder, sessions, metrics);
