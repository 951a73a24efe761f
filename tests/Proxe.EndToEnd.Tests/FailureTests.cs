using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Text.Json;
using RabbitMQ.Client;
using Proxe.Contracts;
using static Proxe.EndToEnd.Tests.Posts;

namespace Proxe.EndToEnd.Tests;

/// <summary>A message that can never be recorded (published past the gateway), and a worker that dies between its commit and its publish.</summary>
public sealed class FailureTests(EndToEndHost host) : IClassFixture<EndToEndHost>
{
    [Fact]
    public async Task A_message_that_always_fails_lands_in_the_error_queue_with_fault_headers_while_the_rest_keep_flowing()
    {
        var owner = host.Brand("poison");
        var intruder = host.Brand("intruder");
        await host.PostAndWaitAsync(owner, Channels.Voice, "CA-shared:incoming",
            Voice("CA-shared:incoming", T0, Customer(phone: "+61 491 570 006"), "CA-shared", Message("call started", Senders.System)));

        // What the gateway never publishes: a web interaction routed to the voice queue. The voice worker refuses it on
        // its own data, on every attempt.
        var poisonId = EndToEndHost.InteractionId(intruder, Channels.Web, "web-misrouted");
        await PublishStraightToBrokerAsync(Channels.Voice, new ChannelInteractionReceived
        {
            InteractionId = poisonId,
            Channel = Channels.Web,
            Brand = intruder.Name,
            ExternalEventId = "web-misrouted",
            OccurredAt = T0.AddMinutes(1),
            ReceivedAt = T0.AddMinutes(1),
            Customer = new CustomerInfo { Phone = "+61491570007", PhoneNormalized = "61491570007" },
            SessionKey = "web-misrouted",
            Message = new InteractionMessage { Sender = Senders.Customer, Content = "misrouted" },
        });
        var good = Enumerable.Range(1, 5)
            .Select(i => i % 2 == 0
                ? Web($"good-{i}", T0.AddMinutes(i), Customer(phone: $"+61 491 570 10{i}"), $"web-good-{i}", Message($"fine {i}"))
                : Voice($"good-{i}", T0.AddMinutes(i), Customer(phone: $"+61 491 570 10{i}"), $"CA-good-{i}", Message($"fine {i}")));
        foreach (var body in good)
            Assert.Equal(HttpStatusCode.Accepted, (await host.PostInteractionsAsync(owner, body)).StatusCode);

        var recorded = await host.WaitForRowsAsync("the owner's call and its five good interactions are recorded",
            db => db.Messages.Where(m => m.Brand == owner.Name).OrderBy(m => m.OccurredAt).Select(m => m.Content), rows => rows.Count == 6);
        Assert.Equal(["call started", "fine 1", "fine 2", "fine 3", "fine 4", "fine 5"], recorded);
        await host.Broker.WaitForQueueDepthAsync("voice-interactions_error", 1);
        var failed = Assert.Single(await host.Broker.PeekMessagesAsync("voice-interactions_error", 10));
        Assert.Contains(poisonId.ToString(), failed.Payload);
        Assert.Contains("InvalidOperationException", failed.Headers["MT-Fault-ExceptionType"].GetString());
        Assert.Contains("reached the voice queue", failed.Headers["MT-Fault-Message"].GetString());

        Assert.Equal(0L, await host.ReadAsync(db => db.Leads.LongCountAsync(l => l.Brand == intruder.Name)));
        Assert.Equal("poison", await host.ReadAsync(db => db.VoiceSessions.Where(s => s.CallSid == "CA-shared").Select(s => s.Brand).SingleAsync()));
        Assert.Equal(0u, await host.Broker.GetQueueDepthAsync("web-interactions_error"));
    }

    [Fact]
    public async Task A_message_in_the_body_format_of_earlier_versions_is_recorded()
    {
        // Before 2026-12-05 messages were indented and wrote every null; such messages may still wait in a queue or an
        // _error queue when the workers are upgraded, and must be recorded like any other.
        var brand = host.Brand("old-body");
        await PublishStraightToBrokerAsync(Channels.Web, new ChannelInteractionReceived
        {
            InteractionId = EndToEndHost.InteractionId(brand, Channels.Web, "web-old-body"),
            Channel = Channels.Web,
            Brand = brand.Name,
            ExternalEventId = "web-old-body",
            OccurredAt = T0,
            ReceivedAt = T0,
            Customer = new CustomerInfo { Name = "Ola", Phone = "+61491570201", PhoneNormalized = "61491570201" },
            SessionKey = "web-old-body",
            Message = new InteractionMessage { Sender = Senders.Customer, Content = "hello from an old message" },
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });

        var recorded = await host.WaitForRowsAsync("the old-format message is recorded",
            db => db.Messages.Where(m => m.Brand == brand.Name).Select(m => m.Content), rows => rows.Count == 1);
        Assert.Equal(["hello from an old message"], recorded);
    }

    /// <summary>Publishes as MassTransit does (its JSON envelope, persistent) on the interaction exchange with any routing key.</summary>
    async Task PublishStraightToBrokerAsync(string routingKey, ChannelInteractionReceived interaction, JsonSerializerOptions? json = null)
    {
        var envelope = new
        {
            messageId = interaction.InteractionId,
            messageType = new[] { "urn:message:Proxe.Contracts:ChannelInteractionReceived" },
            sentTime = DateTimeOffset.UtcNow,
            message = interaction,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(envelope, json ?? new JsonSerializerOptions(JsonSerializerDefaults.Web));
        await using var connection = await host.Broker.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties
        {
            ContentType = "application/vnd.masstransit+json",
            MessageId = interaction.InteractionId.ToString(),
            Persistent = true,
        };
        await channel.BasicPublishAsync(EndToEndHost.InteractionExchange, routingKey, mandatory: true, properties, body);
    }

    [Fact]
    public async Task A_crash_between_commit_and_publish_heals_on_redelivery()
    {
        var brand = host.Brand("crash");
        await host.PostAndWaitAsync(brand, Channels.Web, "web-c-1", Web("web-c-1", T0, Customer("Chloé", "+33 6 12 34 56 78"), "web-c", Message("bonjour")));

        var whatsApp = EndToEndHost.InteractionId(brand, Channels.WhatsApp, "wamid.crash");
        host.Probe.CrashAfterNextCommit(whatsApp);
        await host.PostAndWaitAsync(brand, Channels.WhatsApp, "wamid.crash",
            WhatsApp("wamid.crash", T0.AddHours(1), Customer(phone: "+33612345678"), "33612345678", Message("re-bonjour")));

        // The first delivery committed and "died"; only the redelivery's LeadInteractionRecorded moved the lead on.
        Assert.Equal((2, 1), (host.Probe.Commits(whatsApp), host.Probe.JourneyHandled(whatsApp)));
        var lead = Assert.Single(await host.UnifiedLeadsAsync(brand));
        Assert.Equal(("web", "whatsapp", T0.AddHours(1).UtcDateTime), (lead.FirstTouchpoint, lead.LastTouchpoint, lead.LastInteractionAt));
        Assert.Equal(["web/customer/text: bonjour", "whatsapp/customer/text: re-bonjour"], (await host.JourneyAsync(lead.Id)).Select(m => m.ToString()));
        Assert.Equal(1, await host.ReadAsync(db => db.WhatsappSessions.Where(s => s.LeadId == lead.Id).Select(s => s.MessageCount).SingleAsync()));
        Assert.Equal(1, lead.UnifiedContext.GetProperty("channels").GetProperty("whatsapp").GetProperty("interactions").GetInt32());
    }
}
