using MassTransit;
using Proxe.Workers.Interactions;
using Proxe.Workers.Persistence;

namespace Proxe.Workers;

/// <summary>An endpoint whose consumer takes batches: prefetch and concurrency that let them fill, the batch limits, the failure policy.</summary>
public abstract class BatchConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected WorkerOptions Options { get; }

    readonly TimeSpan _batchTimeLimit;

    protected BatchConsumerDefinition(string endpointName, WorkerOptions options, TimeSpan batchTimeLimit)
    {
        Options = options;
        _batchTimeLimit = batchTimeLimit;
        EndpointName = endpointName;
        // Every batch being filled holds its messages unacknowledged: the broker must be allowed to deliver them all.
        var inFlight = options.BatchMessageLimit * options.BatchConcurrency;
        Endpoint(endpoint =>
        {
            endpoint.PrefetchCount = Math.Max(options.PrefetchCount, inFlight);
            endpoint.ConcurrentMessageLimit = inFlight;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseFailurePolicy(Options);
        endpointConfigurator.UseFilter(new DuplicateDeliveryGate());
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(Options.BatchMessageLimit)
            .SetTimeLimit(_batchTimeLimit)
            .SetConcurrencyLimit(Options.BatchConcurrency));
    }
}
