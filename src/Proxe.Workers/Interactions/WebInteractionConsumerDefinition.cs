using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class WebInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<WebInteractionConsumer>(Channels.Web, options.Value);
