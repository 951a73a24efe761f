using Proxe.ServiceDefaults;
using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class WhatsAppInteractionConsumer(InteractionRecorder recorder, WhatsAppSessionWriter sessions, ProxeMetrics metrics) : InteractionBatchConsumer(recorder, sessions, metrics);

public sealed class WhatsAppInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<WhatsAppInteractionConsumer>(Channels.WhatsApp, options.Value);
