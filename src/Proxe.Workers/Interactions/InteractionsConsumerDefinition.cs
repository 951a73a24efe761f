using Microsoft.Extensions.Options;
using Proxe.Messaging;

namespace Proxe.Workers.Interactions;

/// <summary>The interactions queue (bound to InteractionsReceived by MassTransit's conventions): batching and the failure policy.</summary>
public sealed class InteractionsConsumerDefinition(IOptions<WorkerOptions> options)
    : BatchConsumerDefinition<InteractionsConsumer>(MessagingTopology.InteractionsQueue, options.Value, options.Value.BatchTimeLimit);
