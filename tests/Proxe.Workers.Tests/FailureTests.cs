using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Proxe.Contracts;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>Messages that fail for good, crashes between commit and publish, and readiness.</summary>
public sealed class FailureTests(WorkerHost host) : IClassFixture<WorkerHost>
{
    /// <summary>
    /// Alone, in a message shared with good interactions (as the gateway publishes them), or in one channel's shared message
    /// (as earlier gateways did): the culprit reaches its channel's _error alone.
    /// </summary>
    [Theory]
    [InlineData("alone")]
    [InlineData("shared")]
    [InlineData("channel-shared")]
    public async Task An_interaction_that_always_fails_lands_alone_in_the_error_queue_with_fault_headers_while_others_flow(string published)
    {
        var brand = Brand($"poison-{published}");
        // messages.sender allows customer|agent|system only: the database refuses this one every time.
        var poison = Web(brand, "web-p", "web-p-bad", T0, Person("+61491570006"), new InteractionMessage { Sender = "robot", Content = "beep" });
        var good = Enumerable.Range(1, 5)
            .Select(i => Web(brand, $"web-g{i}", $"web-g{i}", T0.AddSeconds(i), Person($"+6149157010{i}"), Text($"fine {i}")))
            .ToArray();

        if (published == "shared")
            await host.PublishBundleAsync([good[0], good[1], poison, .. good[2..]]);
        else if (published == "channel-shared")
            await host.PublishChannelBundleAsync([good[0], good[1], poison, .. good[2..]]);
        else
            await host.PublishAsync([poison, .. good]);

        await WorkerHost.WaitUntilAsync("the good interactions were recorded", async () =>
            await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)) == 5);
        await WorkerHost.WaitUntilAsync("the culprit reached the error queue", () => ReachedAsync("web-interactions_error", brand));
        var failed = Assert.Single(await host.Broker.PeekMessagesAsync("web-interactions_error", 100), m => m.Payload.Contains(brand));
        Assert.Contains("urn:message:Proxe.Contracts:ChannelInteractionReceived", failed.Payload);
        Assert.DoesNotContain("web-g", failed.Payload);
        if (published == "shared")
            await AssertNeverDeadLetteredWholeAsync(brand);
        Assert.Contains("PostgresException", failed.Headers["MT-Fault-ExceptionType"].GetString());
        Assert.Contains("messages_sender_check", failed.Headers["MT-Fault-Message"].GetString());
        Assert.Equal(poison.InteractionId.ToString(), failed.Headers.TryGetValue("MT-Fault-MessageId", out var id) ? id.GetString() : ExtractMessageId(failed.Payload));
        // The culprit's customer keeps the lead it was given before its write failed, with nothing else: its replay finds it.
        Assert.Equal(6L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(1L, await host.ScalarAsync<long>("""
            SELECT count(*) FROM all_leads l JOIN lead_identities i ON i.lead_id = l.id
            WHERE l.brand = @brand AND i.kind = 'phone' AND i.value = '61491570006'
              AND NOT EXISTS (SELECT FROM messages m WHERE m.lead_id = l.id) AND NOT EXISTS (SELECT FROM web_sessions s WHERE s.lead_id = l.id)
            """, ("brand", brand)));
        await host.WaitForJourneyCountAsync(brand, 5);
    }

    [Fact]
    public async Task In_a_message_of_several_channels_each_channel_is_recorded_and_a_culprit_lands_in_its_own_channel_error_queue()
    {
        var brand = Brand("poison-mixed");
        // messages.sender allows customer|agent|system only: the database refuses this one every time.
        var poison = Voice(brand, "CA-mixed-bad", "CA-mixed-bad:1", T0, "+61491570031", new InteractionMessage { Sender = "robot", Content = "beep" });
        var good = new[]
        {
            Web(brand, "web-mixed", "web-mixed-1", T0, Person("+61491570032"), Text("hello from the web")),
            WhatsApp(brand, "61491570033", "wamid.mixed-1", T0.AddSeconds(1), Text("hello on whatsapp")),
            Voice(brand, "CA-mixed-good", "CA-mixed-good:1", T0.AddSeconds(2), "+61491570034", status: "ringing"),
            Social(brand, Platforms.Instagram, "ig-mixed", "ig-mixed-1", T0.AddSeconds(3), Person(), Text("hello on instagram")),
        };

        await host.PublishBundleAsync([good[0], poison, .. good[1..]]);

        await host.WaitForJourneyCountAsync(brand, 4);
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM web_sessions WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM whatsapp_sessions WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM voice_sessions WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM social_sessions WHERE brand = @brand", ("brand", brand)));
        await WorkerHost.WaitUntilAsync("the culprit reached the voice error queue", () => ReachedAsync("voice-interactions_error", brand));
        var failed = Assert.Single(await host.Broker.PeekMessagesAsync("voice-interactions_error", 100), m => m.Payload.Contains(brand));
        Assert.Contains("urn:message:Proxe.Contracts:ChannelInteractionReceived", failed.Payload);
        Assert.Contains("CA-mixed-bad", failed.Payload);
        Assert.DoesNotContain("mixed-good", failed.Payload);
        await AssertNeverDeadLetteredWholeAsync(brand);
    }

    [Fact]
    public async Task A_message_with_an_interaction_of_a_channel_no_worker_records_lands_whole_in_the_interactions_error_queue_after_the_rest_is_recorded()
    {
        var brand = Brand("unknown-channel");
        var known = Web(brand, "web-uc", "web-uc-1", T0, Person("+61491570041"), Text("hello"));
        var unknown = Web(brand, "fax-uc", "fax-uc-1", T0, Person("+61491570042"), Text("beep")) with { Channel = "fax" };

        await host.PublishBundleAsync(known, unknown);

        await host.WaitForJourneyCountAsync(brand, 1);
        await WorkerHost.WaitUntilAsync("the message reached the interactions error queue", () => ReachedAsync("interactions_error", brand));
        var failed = Assert.Single(await host.Broker.PeekMessagesAsync("interactions_error", 100), m => m.Payload.Contains(brand));
        Assert.Contains("urn:message:Proxe.Contracts:InteractionsReceived", failed.Payload);
        Assert.Contains("No worker records channel 'fax'", failed.Headers["MT-Fault-Message"].GetString());
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task A_journey_event_that_always_fails_lands_in_the_error_queue_alone_while_the_batch_around_it_is_applied()
    {
        var brand = Brand("poison-journey");
        var first = Web(brand, "web-pj", "web-pj-1", T0, Person("+61491570020"), Text("hello"));
        await host.RecordAsync(first);
        var leadId = await host.ScalarAsync<Guid>("SELECT id FROM all_leads WHERE brand = @brand", ("brand", brand));
        LeadInteractionsRecorded Lead(Guid id, int minutes) => new()
        {
            LeadId = id, Brand = brand,
            Interactions = [new LeadInteractionRecorded { LeadId = id, InteractionId = Guid.NewGuid(), Brand = brand, Channel = Channels.Voice,
                OccurredAt = T0.AddMinutes(minutes), HasMessage = true }],
        };
        // No such lead: the journey cannot be applied, whatever the retries.
        var poison = new InteractionBatchRecorded { Channel = Channels.Voice, Leads = [Lead(Guid.NewGuid(), 1)] };
        var good = Enumerable.Range(2, 4).Select(i => new InteractionBatchRecorded { Channel = Channels.Voice, Leads = [Lead(leadId, i)] }).ToList();

        var bus = host.Factory.Services.GetRequiredService<IBus>();
        await Task.WhenAll(new[] { poison }.Concat(good).Select(batch => bus.Publish(batch)));

        foreach (var batch in good)
            await host.WaitForJourneyAsync(batch.Leads[0].Interactions[0].InteractionId);
        await host.Broker.WaitForQueueDepthAsync("lead-journey_error", 1);
        var failed = Assert.Single(await host.Broker.PeekMessagesAsync("lead-journey_error", 10), m => m.Payload.Contains(brand));
        Assert.Contains(poison.Leads[0].LeadId.ToString(), failed.Payload);
        Assert.Contains("do not exist", failed.Headers["MT-Fault-Message"].GetString());
        Assert.Equal(4, await host.ScalarAsync<int>("SELECT (unified_context #>> '{channels,voice,interactions}')::int FROM all_leads WHERE id = @id", ("id", leadId)));
    }

    [Fact]
    public async Task A_crash_between_commit_and_publish_heals_on_redelivery()
    {
        var brand = Brand("crash");
        await host.RecordAsync(Web(brand, "web-c", "web-c-1", T0, Person("+33612345678", "Chloé"), Text("bonjour")));

        var whatsApp = WhatsApp(brand, "33612345678", "wamid.crash", T0.AddHours(1), Text("re-bonjour"));
        host.Crash.Arm(whatsApp.InteractionId);
        await host.PublishAsync(whatsApp);
        await host.WaitForJourneyAsync(whatsApp.InteractionId);

        Assert.Equal(2, host.Crash.Commits(whatsApp.InteractionId));
        Assert.Equal("whatsapp", await host.ScalarAsync<string>("SELECT last_touchpoint FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT message_count FROM whatsapp_sessions WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(1, await host.ScalarAsync<int>(
            "SELECT (unified_context #>> '{channels,whatsapp,interactions}')::int FROM all_leads WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task Health_endpoints_answer_when_broker_and_database_are_up()
    {
        using var client = host.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    static string? ExtractMessageId(string payload) =>
        System.Text.Json.JsonDocument.Parse(payload).RootElement.GetProperty("messageId").GetString();

    /// <summary>
    /// Whether an error queue holds a message of the brand. MassTransit creates an _error queue when the first message lands
    /// there, and until then the management API answers a peek with 404: hence the depth first.
    /// </summary>
    async Task<bool> ReachedAsync(string errorQueue, string brand) =>
        await host.Broker.GetQueueDepthAsync(errorQueue) > 0
        && (await host.Broker.PeekMessagesAsync(errorQueue, 100)).Any(m => m.Payload.Contains(brand));

    /// <summary>
    /// The brand's shared message never lands in interactions_error. Watched for longer than its in-memory retries last
    /// (WorkerOptions.MessageRetryIntervals), as a consumer that threw after publishing its culprit would dead-letter it only then.
    /// </summary>
    async Task AssertNeverDeadLetteredWholeAsync(string brand)
    {
        for (var watched = TimeSpan.Zero; watched < TimeSpan.FromSeconds(1.5); watched += TimeSpan.FromMilliseconds(100))
        {
            Assert.False(await ReachedAsync("interactions_error", brand), "the shared message was dead-lettered whole");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
