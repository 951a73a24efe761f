using MassTransit;
using Microsoft.Extensions.Options;
using Proxe.Contracts;
using Proxe.Messaging;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Journey;

/// <summary>The lead-journey endpoint: its own concurrency, one lead at a time per partition, the failure policy, an outbox.</summary>
public sealed class LeadJourneyStateDefinition : SagaDefinition<LeadJourneyState>
{
    readonly WorkerOptions _options;

    public LeadJourneyStateDefinition(IOptions<WorkerOptions> options)
    {
        _options = options.Value;
        EndpointName = MessagingTopology.LeadJourneyQueue;
        Endpoint(endpoint =>
        {
            endpoint.PrefetchCount = Math.Max(_options.JourneyPrefetchCount, _options.JourneyConcurrentMessageLimit);
            endpoint.ConcurrentMessageLimit = _options.JourneyConcurrentMessageLimit;
        });
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<LeadJourneyState> sagaConfigurator,
        IRegistrationContext context)
    {
        var partitioner = endpointConfigurator.CreatePartitioner(_options.JourneyPartitions);
        endpointConfigurator.UsePartitioner<LeadInteractionRecorded>(partitioner, recorded => recorded.Message.LeadId);
        endpointConfigurator.UsePartitioner<LeadInteractionsRecorded>(partitioner, recorded => recorded.Message.LeadId);
        endpointConfigurator.UseFailurePolicy(_options);
        // LeadBecameCrossChannel leaves only once the journey is saved.
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
