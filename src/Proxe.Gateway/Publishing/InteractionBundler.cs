using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Proxe.Contracts;
using Proxe.Messaging;

namespace Proxe.Gateway.Publishing;

/// <summary>
/// Group commit towards the broker. Up to <see cref="PublishingOptions.MessagesInFlight"/> messages are on their way at a
/// time, whatever the channels in them; the interactions requests hand in while they wait for their confirms (and, when
/// busy, for <see cref="PublishingOptions.Linger"/> after one) leave together in the next one. A request that finds a
/// message's place free publishes at once; a request's interactions travel in one message, whatever their channels, and
/// under load one message carries many requests', so the broker's and the workers' cost per message is shared
/// (bench/README.md, "2026-12-07 (stop 38)"). Each request learns the fate of the message that carried its
/// interactions; when one fails, those waiting behind it fail with it (the broker is failing: they spool now rather
/// than wait for their own turn), and a request that waits longer than the publish timeout in all gives up with a
/// <see cref="TimeoutRejectedException"/>, as a publish that timed out does.
/// </summary>
public sealed class InteractionBundler(
    IBus bus,
    [FromKeyedServices(InteractionBundler.PipelineKey)] ResiliencePipeline pipeline,
    IOptions<PublishingOptions> options,
    ProxeMetrics metrics)
{
    public const string PipelineKey = "publish";

    /// <summary>Interactions in one message, at most (unless one request alone has more).</summary>
    public const int MaxInteractionsPerMessage = 200;

    static readonly ActivitySource Telemetry = new(ServiceDefaults.Extensions.ProxeTelemetry);

    readonly Lock _gate = new();
    readonly List<Waiting> _waiting = [];
    int _inFlight;

    /// <summary>Completes once every interaction is confirmed by the broker, or throws what their message's publish threw.</summary>
    public async Task PublishAsync(IReadOnlyList<ChannelInteractionReceived> interactions, CancellationToken cancellationToken)
    {
        var timeout = options.Value.Timeout;
        var request = new Waiting(interactions, Activity.Current);
        bool start;
        lock (_gate)
        {
            _waiting.Add(request);
            start = _inFlight < options.Value.MessagesInFlight;
            if (start)
                _inFlight++;
        }
        if (start)
            // The loop outlives this request: unsafe queueing keeps its span, log scope and other async-local state out.
            ThreadPool.UnsafeQueueUserWorkItem(static bundler => _ = bundler.PublishWhileAnyWaitAsync(), this, preferLocal: false);

        try
        {
            await request.Done.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // Withdrawn if not yet taken into a message (the request spools or is abandoned); if already taken, its
            // message may still be confirmed, and the spooled copy is a harmless second one.
            lock (_gate)
                _waiting.Remove(request);
            if (exception is TimeoutException)
                throw new TimeoutRejectedException("The broker did not confirm within the publish timeout.", timeout);
            throw;
        }
    }

    async Task PublishWhileAnyWaitAsync()
    {
        try
        {
            while (Take() is { } requests)
            {
                try
                {
                    await PublishMessageAsync(requests);
                    foreach (var request in requests)
                        request.Done.TrySetResult();
                }
                catch (Exception exception)
                {
                    foreach (var request in requests.Concat(TakeAll()))
                        request.Done.TrySetException(exception);
                    continue;
                }
                // Busy: requests had queued behind the messages in flight. Lingering lets the callers just answered
                // come back in time for the next message; on a quiet gateway it would only add latency.
                if (requests.Count > 1 && options.Value.Linger > TimeSpan.Zero)
                    await Task.Delay(options.Value.Linger, CancellationToken.None);
            }
        }
        catch (Exception exception)
        {
            // Not expected; but a loop that stopped while counted in flight would leave later requests waiting.
            foreach (var request in TakeAll(stop: true))
                request.Done.TrySetException(exception);
        }
    }

    /// <summary>The next message's requests, in arrival order; null (and this loop over) when none wait.</summary>
    List<Waiting>? Take()
    {
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                _inFlight--;
                return null;
            }
            var take = 1;
            for (var count = _waiting[0].Interactions.Count;
                 take < _waiting.Count && count + _waiting[take].Interactions.Count <= MaxInteractionsPerMessage;
                 take++)
                count += _waiting[take].Interactions.Count;
            var requests = _waiting.GetRange(0, take);
            _waiting.RemoveRange(0, take);
            return requests;
        }
    }

    List<Waiting> TakeAll(bool stop = false)
    {
        lock (_gate)
        {
            var all = _waiting.ToList();
            _waiting.Clear();
            if (stop)
                _inFlight--;
            return all;
        }
    }

    /// <summary>The messages for interactions that need no group commit (the spool drain's): up to the maximum each.</summary>
    public static IEnumerable<InteractionsReceived> Messages(IEnumerable<ChannelInteractionReceived> interactions) =>
        interactions.Chunk(MaxInteractionsPerMessage).Select(chunk => new InteractionsReceived { Interactions = chunk });

    async Task PublishMessageAsync(IReadOnlyList<Waiting> requests)
    {
        var message = new InteractionsReceived { Interactions = requests.SelectMany(r => r.Interactions).ToList() };
        // One waiting request publishes in its own span. Otherwise the publish gets a span of its own, a child of the
        // first request's span that links the others' (OpenTelemetry's convention for batches).
        using var shared = requests is [{ Span.IsStopped: false }]
            ? null
            : Telemetry.StartActivity("publish interactions", ActivityKind.Internal, requests[0].Trace,
                links: requests.Skip(1).Where(r => r.Trace != default).Select(r => new ActivityLink(r.Trace)));
        Activity.Current = shared ?? requests[0].Span;
        try
        {
            var started = Stopwatch.GetTimestamp();
            await pipeline.ExecuteAsync(
                static async (state, token) => await state.Bus.Publish(state.Message, MessagingTopology.ConfigureInteractionPublish, token),
                (Bus: bus, Message: message),
                CancellationToken.None);
            metrics.Published(Stopwatch.GetElapsedTime(started));
        }
        catch (Exception exception)
        {
            shared?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }

    /// <summary>
    /// Runs once per message. Breaker outside the timeout, so timeouts count as failures. Only broker faults count: not
    /// a cancellation, not a returned message (the broker is up, the interactions queue is missing), not a serialization error
    /// (the request's own data; serialized before publishing, so it should never get here).
    /// </summary>
    public static ResiliencePipeline CreatePipeline(PublishingOptions options, TimeProvider timeProvider) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsBrokerFault),
            })
            .AddTimeout(options.Timeout)
            .Build();

    internal static bool IsBrokerFault(Exception exception) =>
        exception is not (OperationCanceledException or MessageReturnedException or InteractionNotSerializableException);

    sealed record Waiting(IReadOnlyList<ChannelInteractionReceived> Interactions, Activity? Span)
    {
        public ActivityContext Trace => Span?.Context ?? default;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
