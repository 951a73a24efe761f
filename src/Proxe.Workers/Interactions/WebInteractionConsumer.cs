using Proxe.ServiceDefaults;
using Microsoft.Extensions.Options;
using Proxe.Contracts;

namespace Proxe.Workers.Interactions;

public sealed class WebInteractionConsumer(InteractionRecorder recorder, WebSessionWriter sessions, ProxeMetrics metrics) : InteractionBatchConsumer(recorder, sessions, metrics);

public sealed class WebInteractionConsumerDefinition(IOptions<WorkerOptions> options)
    : InteractionConsumerDefinition<WebInteractionConsumer>(Channels.Web, options.Value);
