using System.Runtime.ExceptionServices;
using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Rescue;

namespace Proxe.Workers.Persistence;

/// <summary>
/// What every receive endpoint does with a failure, by its <see cref="FailureKind"/>:
/// infrastructure is retried with backoff, then handed back to the queue while the kill switch pauses the endpoint
/// (it restarts on its own and resumes once PostgreSQL answers); races get short retries; a message that fails on its
/// own gets a few tries, then the _error queue with MassTransit's fault headers.
/// There is no delayed-exchange plugin, so no delayed redelivery.
/// </summary>
public static class FailurePolicy
{
    public static void UseFailurePolicy(this IReceiveEndpointConfigurator endpoint, WorkerOptions options)
    {
        endpoint.ConfigureError(error =>
        {
            error.UseFilter(new FailureRoutingFilter());
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });

        endpoint.UseKillSwitch(killSwitch => killSwitch
            .SetActivationThreshold(options.PauseActivationThreshold)
            .SetTripThreshold(options.PauseTripThreshold)
            .SetTrackingPeriod(options.PauseTrackingPeriod)
            .SetRestartTimeout(options.PauseRestartTimeout)
            .SetExceptionFilter(filter => filter.Handle<Exception>(Failures.IsInfrastructure)));

        endpoint.UseMessageRetry(retry =>
        {
            retry.Handle<Exception>(Failures.IsInfrastructure);
            retry.Exponential(options.OutageRetryLimit, options.RetryMinInterval, options.OutageRetryMaxInterval, options.RetryIntervalDelta);
        });
        endpoint.UseMessageRetry(retry =>
        {
            retry.Handle<Exception>(exception => Failures.Classify(exception) == FailureKind.Race);
            retry.Exponential(options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryIntervalDelta);
        });
        endpoint.UseMessageRetry(retry =>
        {
            retry.Handle<Exception>(exception => Failures.Classify(exception) == FailureKind.Message);
            retry.Intervals(options.MessageRetryIntervals);
        });
    }

    /// <summary>
    /// Ahead of the _error queue: an outage hands the message back to its queue (RabbitMQ requeues a faulted
    /// delivery), and of a batch split down to its culprits only the culprits go on, each with its own exception;
    /// the rest of that batch is recorded and is acknowledged here.
    /// </summary>
    sealed class FailureRoutingFilter : IFilter<ExceptionReceiveContext>
    {
        public Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
        {
            switch (context.Exception)
            {
                case MessagesRefusedException refused:
                    if (context.GetMessageId() is not { } messageId)
                        return next.Send(context); // cannot tell it from the culprits: it is not acknowledged unrecorded
                    return refused.Culprits.TryGetValue(messageId, out var cause)
                        ? next.Send(new RescueExceptionReceiveContext(context, cause))
                        : Task.CompletedTask;
                case var exception when Failures.IsInfrastructure(exception):
                    ExceptionDispatchInfo.Throw(exception);
                    return Task.CompletedTask;
                default:
                    return next.Send(context);
            }
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("proxe-failure-routing");
    }
}
