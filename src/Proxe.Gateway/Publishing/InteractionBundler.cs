using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Polly;
using Proxe.Contracts;
using Proxe.Messaging;

namespace Proxe.Gateway.Publishing;

/// <summary>
/// Group commit towards the broker. Each channel has one message on its way at a time; the interactions requests hand in
/// while it waits for its confirm leave together in the next one. A request alone publishes at once; under load one
/// message carries many requests' interactions, so the broker's and the workers' cost per message is shared. Each request
/// learns the fate of the message that carried its interactions; when one fails, those waiting behind it fail with it
/// (the broker is failing: they spool now rather than wait for their own timeout).
/// </summary>
public sealed class InteractionBundler(IBus bus, [FromKeyedServices(InteractionPublisher.PipelineKey)] ResiliencePipeline pipeline)
{
    /// <summary>Interactions of one channel in one message, at most (a request's own may exceed it; they are never split).</summary>
    public const int MaxInteractionsPerMessage = 200;

    static readonly ActivitySource Telemetry = new(ServiceDefaults.Extensions.ProxeTelemetry);

    readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>Completes once every interaction is confirmed by the broker, or throws what the publish threw.</summary>
    public Task PublishAsync(IReadOnlyList<ChannelInteractionReceived> interactions, CancellationToken cancellationToken) =>
        Task.WhenAll(interactions.GroupBy(i => i.Channel)
            .Select(channel => _lanes.GetOrAdd(channel.Key, key => new Lane(this, key)).PublishAsync(channel.ToList(), cancellationToken)));

    async Task PublishMessageAsync(string channel, IReadOnlyList<Waiting> requests)
    {
        var message = new ChannelInteractionsReceived { Channel = channel, Interactions = requests.SelectMany(r => r.Interactions).ToList() };
        var outer = Activity.Current;
        // A message of one request publishes in that request's span; one shared by several in a span of its own, a child
        // of the first request's span that links the others' (OpenTelemetry's convention for batches).
        Activity.Current = requests is [{ Span: { IsStopped: false } span }] ? span : null;
        using var shared = requests.Count > 1
            ? Telemetry.StartActivity("publish interactions", ActivityKind.Internal, requests[0].Trace,
                links: requests.Skip(1).Where(r => r.Trace != default).Select(r => new ActivityLink(r.Trace)))
            : null;
        try
        {
            await pipeline.ExecuteAsync(
                static async (state, token) => await state.Bus.Publish(state.Message, MessagingTopology.ConfigureInteractionPublish, token),
                (Bus: bus, Message: message),
                CancellationToken.None);
        }
        finally
        {
            Activity.Current = outer;
        }
    }

    sealed record Waiting(IReadOnlyList<ChannelInteractionReceived> Interactions, Activity? Span, ActivityContext Trace)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    sealed class Lane(InteractionBundler bundler, string channel)
    {
        readonly Lock _gate = new();
        readonly List<Waiting> _waiting = [];
        bool _publishing;

        public Task PublishAsync(IReadOnlyList<ChannelInteractionReceived> interactions, CancellationToken cancellationToken)
        {
            var span = Activity.Current;
            var request = new Waiting(interactions, span, span?.Context ?? default);
            bool start;
            lock (_gate)
            {
                _waiting.Add(request);
                start = !_publishing;
                _publishing = true;
            }
            if (start)
                _ = Task.Run(PublishWhileAnyWaitAsync, CancellationToken.None);
            return request.Done.Task.WaitAsync(cancellationToken);
        }

        async Task PublishWhileAnyWaitAsync()
        {
            while (Take() is { } requests)
            {
                try
                {
                    await bundler.PublishMessageAsync(channel, requests);
                    foreach (var request in requests)
                        request.Done.TrySetResult();
                }
                catch (Exception exception)
                {
                    List<Waiting> behind;
                    lock (_gate)
                    {
                        behind = [.. _waiting];
                        _waiting.Clear();
                    }
                    foreach (var request in requests.Concat(behind))
                        request.Done.TrySetException(exception);
                }
            }
        }

        /// <summary>The next message's requests, in arrival order; null (and the lane idle) when none wait.</summary>
        List<Waiting>? Take()
        {
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _publishing = false;
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
    }
}
