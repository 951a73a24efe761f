using Proxe.Contracts;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>What each provider sends beyond plain messages: receipts, call callbacks, engagement, reply times.</summary>
public sealed class ChannelTests(WorkerHost host) : IClassFixture<WorkerHost>
{
    [Fact]
    public async Task WhatsApp_delivery_receipts_update_the_session_status_without_creating_messages()
    {
        var brand = Brand("receipts");
        const string contact = "16315551181";
        await host.RecordAsync(
            WhatsApp(brand, contact, "wamid.in.1", T0, Text("Price list please?")),
            WhatsApp(brand, contact, "wamid.out.1", T0.AddSeconds(20), Text("Here it is", Senders.Agent)));

        var sent = new WhatsAppDeliveryStatus { MessageId = "wamid.out.1", Status = "sent" };
        await host.RecordAsync(
            WhatsApp(brand, contact, "status:wamid.out.1:delivered", T0.AddSeconds(21), null, status: sent with { Status = "delivered" }),
            WhatsApp(brand, contact, "status:wamid.out.1:read", T0.AddSeconds(40), null, status: sent with { Status = "read" }),
            // Late and older: must not win over "read".
            WhatsApp(brand, contact, "status:wamid.out.1:sent", T0.AddSeconds(21), null, status: sent));

        var session = await SessionAsync(brand);
        Assert.Equal(("read", T0.AddSeconds(40)), ((string)session["last_status"]!, (DateTime)session["last_status_at"]!));
        Assert.Null(session["last_status_error"]);
        Assert.Equal(2, session["message_count"]);
        Assert.Equal(("agent", "Here it is"), ((string)session["last_message_from"]!, (string)session["last_message_preview"]!));
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)));

        await host.RecordAsync(WhatsApp(brand, contact, "status:wamid.out.2:failed", T0.AddMinutes(5), null,
            status: new WhatsAppDeliveryStatus { MessageId = "wamid.out.2", Status = "failed", ErrorCode = "131047", ErrorTitle = "Re-engagement message" }));

        session = await SessionAsync(brand);
        Assert.Equal(("failed", "131047: Re-engagement message"), ((string)session["last_status"]!, (string)session["last_status_error"]!));
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task WhatsApp_response_time_averages_customer_message_to_next_agent_reply()
    {
        var brand = Brand("reply-time");
        const string contact = "919800011122";
        var reply = WhatsApp(brand, contact, "wamid.a1", T0.AddSeconds(30), Text("Hello! How can I help?", Senders.Agent));
        await host.RecordAsync(
            WhatsApp(brand, contact, "wamid.c1", T0, Text("Hi")),
            WhatsApp(brand, contact, "wamid.c2", T0.AddSeconds(10), Text("Anyone there?")),
            reply,
            WhatsApp(brand, contact, "wamid.a2", T0.AddSeconds(40), Text("Also: we are open till 8", Senders.Agent)),
            WhatsApp(brand, contact, "wamid.c3", T0.AddSeconds(100), Text("Thanks")),
            WhatsApp(brand, contact, "wamid.a3", T0.AddSeconds(110), Text("You're welcome", Senders.Agent)));
        // A redelivered reply must not count as a second response.
        await host.PublishAsync(reply);
        await WorkerHost.WaitUntilAsync("the reply was redelivered", () => Task.FromResult(host.Crash.Commits(reply.InteractionId) == 2));

        var session = await SessionAsync(brand);
        // (30 s + 10 s) / 2: the clock runs from the oldest unanswered customer message to the next agent reply.
        Assert.Equal(20.00m, session["response_time_avg_seconds"]);
        Assert.Equal(2, session["response_count"]);
        Assert.Null(session["awaiting_reply_since"]);
        Assert.Equal(6, session["message_count"]);
    }

    [Fact]
    public async Task Twilio_status_callbacks_out_of_order_never_move_the_call_back()
    {
        var brand = Brand("twilio");
        const string call = "CAd7fe2ad60939a04e564c0e4e3302ff5b";
        const string caller = "+256784224203";
        await host.RecordAsync(Voice(brand, call, $"{call}:incoming", T0, caller, Text("Call started", Senders.System), status: "ringing"));
        await host.RecordAsync(
            Voice(brand, call, $"{call}:status:3", T0.AddSeconds(50), caller, Text("Call ended", Senders.System), status: "completed", sequence: 3, duration: 42),
            Voice(brand, call, $"{call}:status:2", T0.AddSeconds(8), caller, status: "in-progress", sequence: 2),
            Voice(brand, call, $"{call}:status:1", T0.AddSeconds(2), caller, status: "ringing", sequence: 1),
            Voice(brand, call, $"{call}:recording", T0.AddSeconds(55), caller, recordingUrl: "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"),
            Voice(brand, call, $"{call}:transcription", T0.AddSeconds(70), caller, Text("I would like a callback tomorrow"),
                transcription: "I would like a callback tomorrow"));

        var session = await host.RowAsync("SELECT * FROM voice_sessions WHERE brand = @brand", ("brand", brand));
        Assert.Equal("completed", session["call_status"]);
        Assert.Equal(3, session["last_status_sequence"]);
        Assert.Equal(42, session["call_duration_seconds"]);
        Assert.Equal(("inbound", "+13163336936", caller), ((string)session["call_direction"]!, (string)session["phone_number"]!, (string)session["caller"]!));
        Assert.Equal("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", session["recording_url"]);
        Assert.Equal("I would like a callback tomorrow", session["transcription"]);
        Assert.Equal(
            ["system:Call started", "system:Call ended", "customer:I would like a callback tomorrow"],
            (await host.RowsAsync("SELECT sender || ':' || content AS m FROM messages WHERE brand = @brand ORDER BY occurred_at", ("brand", brand))).Select(r => (string)r["m"]!));
    }

    [Fact]
    public async Task Nul_characters_from_a_provider_are_dropped_instead_of_failing_the_interaction()
    {
        var brand = Brand("nul");
        var metadata = System.Text.Json.JsonDocument.Parse("""{"caption":"a\u0000b","path":"C:\\u0000x"}""").RootElement;
        await host.RecordAsync(WhatsApp(brand, "919800055566", "wamid.nul", T0, Text("hel\0lo") with { Metadata = metadata }, name: "Jo\0hn"));

        var message = await host.RowAsync("SELECT content, metadata::text AS metadata FROM messages WHERE brand = @brand", ("brand", brand));
        Assert.Equal("hello", message["content"]);
        Assert.Equal("""{"path": "C:\\u0000x", "caption": "ab"}""", message["metadata"]);
        Assert.Equal("John", await host.ScalarAsync<string>("SELECT customer_name FROM all_leads WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task Voice_events_without_a_caller_number_join_the_lead_of_their_call()
    {
        var brand = Brand("no-number");
        const string call = "CA0000000000000000000000000000recd";
        await host.RecordAsync(Voice(brand, call, $"{call}:incoming", T0, "+256784224203", Text("Call started", Senders.System), status: "ringing"));
        // Twilio's recording callback carries no From/To.
        await host.RecordAsync(Voice(brand, call, $"{call}:recording:RE1", T0.AddSeconds(60), "", recordingUrl: "https://api.twilio.com/rec/RE1")
            with { Customer = new CustomerInfo() });

        const string anonymousCall = "CA0000000000000000000000000000anon";
        await host.RecordAsync(Voice(brand, anonymousCall, $"{anonymousCall}:incoming", T0.AddMinutes(5), "", Text("Call started", Senders.System))
            with { Customer = new CustomerInfo() });
        await host.RecordAsync(Voice(brand, anonymousCall, $"{anonymousCall}:status:1", T0.AddMinutes(6), "", Text("Call ended", Senders.System),
            status: "completed", sequence: 1, duration: 30) with { Customer = new CustomerInfo() });

        var calls = await host.RowsAsync("SELECT call_sid, lead_id, recording_url FROM voice_sessions WHERE brand = @brand ORDER BY call_sid DESC", ("brand", brand));
        Assert.Equal([call, anonymousCall], calls.Select(row => (string)row["call_sid"]!));
        Assert.Equal("https://api.twilio.com/rec/RE1", calls[0]["recording_url"]);
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(2L, await host.ScalarAsync<long>(
            "SELECT count(*) FROM messages m JOIN voice_sessions v ON v.lead_id = m.lead_id WHERE v.call_sid = @call", ("call", anonymousCall)));
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand AND customer_phone_normalized IS NULL AND id = @lead",
            ("brand", brand), ("lead", (Guid)calls[0]["lead_id"]!)));
    }

    [Fact]
    public async Task Instagram_comments_count_as_engagement_on_the_social_session()
    {
        var brand = Brand("comments");
        const string user = "1129842642640637";
        await host.RecordAsync(
            Social(brand, Platforms.Instagram, user, "comment-1", T0, Person(), Text("Love this flat!"), engagementType: "comment", contentId: "media-1"),
            Social(brand, Platforms.Instagram, user, "comment-2", T0.AddMinutes(3), Person(), Text("Price?"), engagementType: "comment", contentId: "media-2"));
        // An older DM arriving late counts, but does not become the latest engagement.
        await host.RecordAsync(Social(brand, Platforms.Instagram, user, "mid.dm.0", T0.AddMinutes(-10), Person(), Text("oi")));

        var session = await host.RowAsync("SELECT * FROM social_sessions WHERE brand = @brand", ("brand", brand));
        Assert.Equal(3, session["engagement_count"]);
        Assert.Equal(("comment", "media-2", "Price?"), ((string)session["engagement_type"]!, (string)session["content_id"]!, (string)session["engagement_preview"]!));
        Assert.Equal(T0.AddMinutes(3), (DateTime)session["last_engagement_at"]!);
        Assert.Equal("@" + user, session["platform_username"]);
        Assert.Equal("social", await host.ScalarAsync<string>("SELECT first_touchpoint FROM all_leads WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task A_WhatsApp_contact_seen_later_by_business_scoped_user_id_only_stays_on_the_same_lead()
    {
        var brand = Brand("bsuid");
        const string bsuid = "US.13491208655302741918";
        var first = WhatsApp(brand, "16505551234", "wamid.b1", T0, Text("Does it come in another color?"), name: "Sheena");
        await host.RecordAsync(first with { Customer = first.Customer with { BusinessScopedUserId = bsuid } });
        await host.RecordAsync(Interaction(brand, Channels.WhatsApp, "wamid.b2", T0.AddMinutes(1),
            new CustomerInfo { Username = "@sheena", BusinessScopedUserId = bsuid }, bsuid, Text("Blue please")) with
            {
                WhatsApp = new WhatsAppDetail { ContactId = bsuid },
            });

        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(DISTINCT lead_id) FROM messages WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)));
    }

    Task<Dictionary<string, object?>> SessionAsync(string brand) => host.RowAsync("SELECT * FROM whatsapp_sessions WHERE brand = @brand", ("brand", brand));
}
