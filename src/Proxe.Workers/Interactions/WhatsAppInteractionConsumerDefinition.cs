using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class WhatsAppInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<WhatsAppInteractionConsumer>(Channels.WhatsApp, options.Value);
