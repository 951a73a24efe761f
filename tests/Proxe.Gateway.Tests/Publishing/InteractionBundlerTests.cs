using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Publishing;
using Proxe.Messaging;
using Proxe.Testing;
using RabbitMQ.Client;

namespace Proxe.Gateway.Tests.Publishing;

/// <summary>Group commit: what requests hand in while a message waits for its confirm leaves together in the next one, whatever their channels.</summary>
public sealed class InteractionBundlerTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    const string RequestSource = "Proxe.Gateway.Tests.Requests";
    static readonly ActivitySource Requests = new(RequestSource);

    [Fact]
    public async Task Requests_that_arrive_while_a_message_awaits_its_confirm_leave_together_in_the_next_one_which_links_their_traces()
    {
        var spans = new List<Activity>();
        using var listener = Listen(spans);
        await using var test = await BundlerTest.StartAsync(rabbit, TimeSpan.FromSeconds(30));
        var (hold, bundler) = (test.Hold, test.Bundler);

        var (first, firstSpan) = PublishInOwnSpan(bundler, "first");
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        // One message at a time, whatever its channels: these wait behind the first (handed in synchronously, so in this order).
        var behind = new[] { ("second", Channels.Web), ("third", Channels.WhatsApp), ("voice-call", Channels.Voice) }
            .Select(request => PublishInOwnSpan(bundler, request.Item1, request.Item2)).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        Assert.False(first.IsCompleted || behind.Any(request => request.Publish.IsCompleted));

        hold.Release();
        await Task.WhenAll(behind.Select(request => request.Publish).Append(first)).WaitAsync(TimeSpan.FromSeconds(30));

        var messages = await test.TakeAsync(2);
        Assert.Equal(2, messages.Count);
        Assert.Contains([Id("first")], messages);
        Assert.Contains([Id("second"), Id("third", Channels.WhatsApp), Id("voice-call", Channels.Voice)], messages);

        // Each request's trace reaches its publish: the shared one is a child of the first request and links the others.
        List<Activity> finished;
        lock (spans)
            finished = [.. spans];
        var shared = Assert.Single(finished, span => span.OperationName == "publish interactions" && span.TraceId == behind[0].Span.TraceId);
        Assert.Equal(behind[0].Span.SpanId, shared.ParentSpanId);
        Assert.Equal(behind.Skip(1).Select(request => request.Span.SpanId), shared.Links.Select(link => link.Context.SpanId));
        Assert.Contains(finished, span => span.Kind == ActivityKind.Producer && span.ParentSpanId == shared.SpanId && span.TraceId == shared.TraceId);
        Assert.Contains(finished, span => span.Kind == ActivityKind.Producer && span.ParentSpanId == firstSpan.SpanId && span.TraceId == firstSpan.TraceId);
        foreach (var span in behind.Select(request => request.Span).Append(firstSpan))
            span.Stop();
    }

    [Fact]
    public async Task With_two_messages_in_flight_a_request_publishes_beside_a_held_one_and_waits_when_both_are_held()
    {
        await using var test = await BundlerTest.StartAsync(rabbit, TimeSpan.FromSeconds(30), inFlight: 2, holding: 2);
        var (hold, bundler) = (test.Hold, test.Bundler);

        var (first, second) = await PublishTwoHeldMessagesAsync(bundler, hold);
        // No place is free: these wait, and leave together once one is.
        var behind = new[] { "third", "fourth" }.Select(id => bundler.PublishAsync([Interaction(id, Channels.Web)], CancellationToken.None)).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        Assert.DoesNotContain(behind, request => request.IsCompleted);

        hold.Release();
        await Task.WhenAll(behind.Append(first).Append(second)).WaitAsync(TimeSpan.FromSeconds(30));
        var messages = await test.TakeAsync(3);
        Assert.Equal(3, messages.Count);
        Assert.Contains([Id("first")], messages);
        Assert.Contains([Id("second", Channels.Voice)], messages);
        Assert.Contains([Id("third"), Id("fourth")], messages);
    }

    [Fact]
    public async Task With_two_messages_in_flight_a_failure_fails_the_held_ones_and_those_waiting_and_later_requests_publish_again()
    {
        await using var test = await BundlerTest.StartAsync(rabbit, TimeSpan.FromSeconds(30), inFlight: 2, holding: 2);
        var (hold, bundler) = (test.Hold, test.Bundler);

        var (first, second) = await PublishTwoHeldMessagesAsync(bundler, hold);
        var behind = bundler.PublishAsync([Interaction("behind", Channels.Web)], CancellationToken.None);
        hold.Release(new InvalidOperationException("the broker said no"));

        foreach (var request in new[] { first, second, behind })
            Assert.Equal("the broker said no", (await Assert.ThrowsAsync<InvalidOperationException>(() => request)).Message);
        // Both places are free again: two requests publish side by side.
        await Task.WhenAll(bundler.PublishAsync([Interaction("after-1", Channels.Web)], CancellationToken.None),
            bundler.PublishAsync([Interaction("after-2", Channels.Web)], CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(new[] { Id("after-1"), Id("after-2") }.Order(), (await test.TakeAsync(1)).SelectMany(ids => ids).Order());
    }

    [Fact]
    public void The_spool_drain_puts_interactions_of_any_channels_together_up_to_the_maximum_a_message_in_their_order()
    {
        var interactions = Enumerable.Range(0, 450).Select(i => Interaction($"drained-{i}", Channels.All[i % Channels.All.Count])).ToList();

        var messages = InteractionBundler.Messages(interactions).ToList();

        Assert.Equal([200, 200, 50], messages.Select(message => message.Interactions.Count));
        Assert.Equal(interactions.Select(i => i.InteractionId), messages.SelectMany(message => message.Interactions).Select(i => i.InteractionId));
    }

    [Fact]
    public async Task When_a_message_fails_the_requests_waiting_behind_it_fail_with_it_and_the_gateway_then_publishes_again()
    {
        await using var test = await BundlerTest.StartAsync(rabbit, TimeSpan.FromSeconds(30));
        var (hold, bundler) = (test.Hold, test.Bundler);

        var first = bundler.PublishAsync([Interaction("failing", Channels.Web)], CancellationToken.None);
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var behind = bundler.PublishAsync([Interaction("behind", Channels.Web)], CancellationToken.None);
        hold.Release(new InvalidOperationException("the broker said no"));

        Assert.Equal("the broker said no", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        Assert.Equal("the broker said no", (await Assert.ThrowsAsync<InvalidOperationException>(() => behind)).Message);
        await bundler.PublishAsync([Interaction("after", Channels.Web)], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([[Id("after")]], await test.TakeAsync(1));
    }

    [Fact]
    public async Task A_request_waiting_behind_a_message_that_is_not_confirmed_gives_up_after_the_publish_timeout()
    {
        await using var test = await BundlerTest.StartAsync(rabbit, TimeSpan.FromMilliseconds(300));
        var (hold, bundler) = (test.Hold, test.Bundler);

        var first = bundler.PublishAsync([Interaction("stuck", Channels.Web)], CancellationToken.None);
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var behind = bundler.PublishAsync([Interaction("waiting", Channels.Web)], CancellationToken.None);

        // The test's own patience is a different clock: the wait must end by itself, long before it.
        Assert.Same(behind, await Task.WhenAny(behind, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.Same(first, await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(30))));
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => behind);
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => first);
        hold.Release();
        // Withdrawn when it gave up: after the held message, the next one carries only what came later.
        await bundler.PublishAsync([Interaction("later", Channels.Web)], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var messages = await test.TakeAsync(2);
        Assert.Equal([[Id("stuck")], [Id("later")]], messages);
    }

    [Fact]
    public async Task A_request_cancelled_while_it_waits_behind_a_message_is_withdrawn_and_not_published()
    {
        await using var test = await BundlerTest.StartAsync(rabbit, TimeSpan.FromSeconds(30));
        var (hold, bundler) = (test.Hold, test.Bundler);

        var first = bundler.PublishAsync([Interaction("first", Channels.Web)], CancellationToken.None);
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        using var abandon = new CancellationTokenSource();
        var abandoned = bundler.PublishAsync([Interaction("abandoned", Channels.Web)], abandon.Token);
        await abandon.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        hold.Release();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        // Withdrawn when cancelled: after the held message, the next one carries only what came later.
        await bundler.PublishAsync([Interaction("later", Channels.Web)], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([[Id("first")], [Id("later")]], await test.TakeAsync(2));
    }

    [Fact]
    public async Task After_a_message_of_several_requests_the_gateway_lingers_so_requests_that_come_just_after_share_the_next_one()
    {
        await using var test = await BundlerTest.StartAsync(rabbit, TimeSpan.FromSeconds(30), linger: TimeSpan.FromSeconds(2));
        var (hold, bundler) = (test.Hold, test.Bundler);

        await PublishTwoMessagesTheSecondOfTwoRequestsAsync(bundler, hold);
        // The last message carried two requests: the gateway lingers, and what comes meanwhile waits for the next one.
        var fourth = bundler.PublishAsync([Interaction("fourth", Channels.Web)], CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        Assert.False(fourth.IsCompleted);
        var fifth = bundler.PublishAsync([Interaction("fifth", Channels.Web)], CancellationToken.None);
        await Task.WhenAll(fourth, fifth).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([[Id("first")], [Id("second"), Id("third")], [Id("fourth"), Id("fifth")]], await test.TakeAsync(3));
    }

    [Fact]
    public async Task A_request_that_waits_out_its_timeout_while_the_gateway_lingers_gives_up_and_is_not_published()
    {
        await using var test = await BundlerTest.StartAsync(rabbit, TimeSpan.FromMilliseconds(300), linger: TimeSpan.FromSeconds(1));
        var (hold, bundler) = (test.Hold, test.Bundler);

        await PublishTwoMessagesTheSecondOfTwoRequestsAsync(bundler, hold);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => bundler.PublishAsync([Interaction("impatient", Channels.Web)], CancellationToken.None));
        // Withdrawn when it gave up: once the linger is over, the next message carries only what came later.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await bundler.PublishAsync([Interaction("later", Channels.Web)], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([[Id("first")], [Id("second"), Id("third")], [Id("later")]], await test.TakeAsync(3));
    }

    [Fact]
    public async Task After_a_message_of_one_request_the_gateway_does_not_linger()
    {
        await using var test = await BundlerTest.StartAsync(rabbit, TimeSpan.FromSeconds(60), linger: TimeSpan.FromSeconds(60));
        var (hold, bundler) = (test.Hold, test.Bundler);

        var first = bundler.PublishAsync([Interaction("first", Channels.Web)], CancellationToken.None);
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var second = bundler.PublishAsync([Interaction("second", Channels.Web)], CancellationToken.None);
        hold.Release();
        // Each message carried one request, so neither the one behind the first nor a later one waits out the minute.
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        await bundler.PublishAsync([Interaction("later", Channels.Web)], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([[Id("first")], [Id("second")], [Id("later")]], await test.TakeAsync(3));
    }

    /// <summary>"first" (web) and "second" (voice) on their way side by side, both held: the second did not wait behind the first.</summary>
    static async Task<(Task First, Task Second)> PublishTwoHeldMessagesAsync(InteractionBundler bundler, HoldFirstExecution hold)
    {
        var first = bundler.PublishAsync([Interaction("first", Channels.Web)], CancellationToken.None);
        await Poll.UntilAsync("the first message is held", () => Task.FromResult(hold.Executions == 1), TimeSpan.FromSeconds(30));
        var second = bundler.PublishAsync([Interaction("second", Channels.Voice)], CancellationToken.None);
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        return (first, second);
    }

    /// <summary>"first" alone, held, then "second" and "third", which waited behind it, together: the gateway is busy.</summary>
    static async Task PublishTwoMessagesTheSecondOfTwoRequestsAsync(InteractionBundler bundler, HoldFirstExecution hold)
    {
        var first = bundler.PublishAsync([Interaction("first", Channels.Web)], CancellationToken.None);
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var behind = new[] { "second", "third" }.Select(id => bundler.PublishAsync([Interaction(id, Channels.Web)], CancellationToken.None)).ToList();
        hold.Release();
        await Task.WhenAll(behind.Append(first)).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Hands one interaction in from a span of its own, as a request's handler does; the span stays open, like a request waiting.</summary>
    static (Task Publish, Activity Span) PublishInOwnSpan(InteractionBundler bundler, string eventId, string channel = Channels.Web)
    {
        Activity.Current = null;
        var request = Requests.StartActivity(eventId)!;
        var publish = bundler.PublishAsync([Interaction(eventId, channel)], CancellationToken.None);
        Activity.Current = null;
        return (publish, request);
    }

    static Guid Id(string eventId, string channel = Channels.Web) => InteractionIds.For("acme", channel, eventId);

    static ChannelInteractionReceived Interaction(string eventId, string channel) => new()
    {
        InteractionId = Id(eventId, channel),
        Channel = channel,
        Brand = "acme",
        ExternalEventId = eventId,
        OccurredAt = DateTimeOffset.UtcNow,
        ReceivedAt = DateTimeOffset.UtcNow,
        Customer = new CustomerInfo { Phone = "+14155550100", PhoneNormalized = "14155550100" },
        SessionKey = $"session-{eventId}",
        Message = new InteractionMessage { Sender = Senders.Customer, Content = "hello" },
    };

    /// <summary>MassTransit's and PROXe's spans as they end, with the test's request spans sampled too.</summary>
    static ActivityListener Listen(List<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "MassTransit" or ServiceDefaults.Extensions.ProxeTelemetry or RequestSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                    spans.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>A queue bound to the interactions exchange, a started gateway, and a bundler whose first publishes are held.</summary>
    sealed class BundlerTest(RabbitMqFixture rabbit, string queue, GatewayFactory gateway, HoldFirstExecution hold, InteractionBundler bundler) : IAsyncDisposable
    {
        public HoldFirstExecution Hold => hold;

        public InteractionBundler Bundler => bundler;

        public static async Task<BundlerTest> StartAsync(RabbitMqFixture rabbit, TimeSpan timeout, TimeSpan linger = default, int inFlight = 1, int holding = 1)
        {
            var queue = $"bundles-{Guid.NewGuid():N}";
            await GatewayFactory.BindQueueAsync(rabbit, queue);
            var gateway = new GatewayFactory(rabbit.AmqpUri);
            try
            {
                _ = gateway.CreateClient(); // starts the bus
                var hold = new HoldFirstExecution(holding);
                var bundler = new InteractionBundler(gateway.Services.GetRequiredService<IBus>(),
                    new ResiliencePipelineBuilder().AddStrategy(_ => hold, new HoldFirstExecution.Options()).Build(),
                    Options.Create(new PublishingOptions { Timeout = timeout, Linger = linger, MessagesInFlight = inFlight }),
                    new ProxeMetrics());
                return new BundlerTest(rabbit, queue, gateway, hold, bundler);
            }
            catch
            {
                await gateway.DisposeAsync();
                throw;
            }
        }

        /// <summary>The interaction ids of each message in the queue, once it holds at least <paramref name="count"/>.</summary>
        public async Task<List<List<Guid>>> TakeAsync(uint count)
        {
            await rabbit.WaitForQueueDepthAsync(queue, count, TimeSpan.FromSeconds(30));
            await using var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            var messages = new List<List<Guid>>();
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } result)
                messages.Add(GatewayFactory.InteractionsOf(result.Body).Select(node => node["interactionId"]!.GetValue<Guid>()).ToList());
            return messages;
        }

        public ValueTask DisposeAsync() => gateway.DisposeAsync();
    }

    /// <summary>Holds the first publishes (one unless told), as a broker slow to confirm would, until the test releases them.</summary>
    sealed class HoldFirstExecution(int holding = 1) : ResilienceStrategy
    {
        readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        int _executions;

        public Task Entered => _entered.Task;

        public int Executions => Volatile.Read(ref _executions);

        /// <summary>Lets the held publish go on, or fail with <paramref name="failure"/>.</summary>
        public void Release(Exception? failure = null)
        {
            if (failure is null)
                _release.SetResult();
            else
                _release.SetException(failure);
        }

        protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
        {
            var execution = Interlocked.Increment(ref _executions);
            if (execution <= holding)
            {
                if (execution == holding)
                    _entered.SetResult();
                await _release.Task;
            }
            return await callback(context, state);
        }

        public sealed class Options : ResilienceStrategyOptions;
    }
}
