using Microsoft.Extensions.Options;
using Proxe.Messaging;

namespace Proxe.Workers.Journey;

public sealed class LeadJourneyConsumerDefinition(IOptions<WorkerOptions> options)
    : BatchConsumerDefinition<LeadJourneyConsumer>(MessagingTopology.LeadJourneyQueue, options.Value, options.Value.JourneyBatchTimeLimit);
