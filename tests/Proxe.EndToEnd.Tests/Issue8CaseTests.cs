using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Proxe.Contracts;
using static Proxe.EndToEnd.Tests.Posts;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// Each case of issue 8 ("A 2xx means it will be recorded"), through the whole pipeline: what the gateway accepts is
/// recorded once and never dead-lettered; what it refuses is a 4xx problem and records nothing.
/// </summary>
public sealed class Issue8CaseTests(EndToEndHost host) : IClassFixture<EndToEndHost>
{
    readonly TestBrand _brand = host.Brand("contract");
    static readonly DateTimeOffset Now = DateTimeOffset.UtcNow.AddMinutes(-1);

    [Fact]
    public async Task Case1_an_emoji_at_the_preview_boundary_is_recorded_and_the_preview_keeps_it_whole()
    {
        var content = new string('a', 158) + "😀 hi";
        await host.PostAndWaitAsync(_brand, Channels.WhatsApp, "case1-wa",
            WhatsApp("case1-wa", Now, Customer(phone: "+91 98450 10001"), "919845010001", Message(content)));
        await host.PostAndWaitAsync(_brand, Channels.Web, "case1-web",
            Web("case1-web", Now, Customer(phone: "+91 98450 10001"), "case1-web", Message(content)));

        Assert.Equal(content, await host.ReadAsync(db => db.Messages.Where(m => m.Brand == _brand.Name && m.ExternalId == "case1-wa").Select(m => m.Content).SingleAsync()));
        Assert.Equal(new string('a', 158) + "…", await host.ReadAsync(db => db.WhatsappSessions
            .Where(s => s.Brand == _brand.Name && s.WhatsappContactId == "919845010001").Select(s => s.LastMessagePreview).SingleAsync()));
        Assert.Equal(0u, await host.ErrorQueueDepthAsync());
    }

    [Fact]
    public async Task Case2_placeholder_and_junk_phones_are_refused_on_v1_and_never_merge_two_people()
    {
        foreach (var phone in new[] { "0000000000", "1234567", "9999999999", "9800033333'; DROP TABLE all_leads; --", TestBrand.HouseNumber })
        {
            var refused = await host.PostInteractionsAsync(_brand, Web($"case2-{phone.Length}", Now, Customer(phone: phone), "case2-v1", Message("hi")));
            await AssertProblemAsync(refused, HttpStatusCode.BadRequest, "customer.phone");
        }

        await host.PostAndWaitAsync(_brand, Channels.Web, "case2-ok", Web("case2-ok", Now, Customer(phone: "98000 33333"), "case2-ok", Message("hi")));
        Assert.Equal(1L, await host.ReadAsync(db => db.Leads.LongCountAsync(l => l.Brand == _brand.Name && l.CustomerPhoneNormalized == "919800033333")));

        // Two widget visitors who both typed 12345 (or "ext. 1") stay two leads, each with its own email.
        var first = await host.PostWidgetAsync(Widget(_brand, "case2-w1", new { id = "v-case2-1", email = "one@example.com", phone = "12345" },
            [("case2-w1-m", Senders.Customer, "hello", Now)]));
        var second = await host.PostWidgetAsync(Widget(_brand, "case2-w2", new { id = "v-case2-2", email = "two@example.com", phone = "ext. 1" },
            [("case2-w2-m", Senders.Customer, "hello", Now)]));
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, second.StatusCode));
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(_brand, Channels.Web, "case2-w1-m"), EndToEndHost.InteractionId(_brand, Channels.Web, "case2-w2-m"));

        string[] emails = ["one@example.com", "two@example.com"];
        var leads = (await host.ReadAsync(db => db.Leads.Where(l => l.Brand == _brand.Name && emails.Contains(l.Email!)).OrderBy(l => l.Email)
            .Select(l => new { l.Email, l.CustomerPhoneNormalized }).ToListAsync())).Select(l => (l.Email, l.CustomerPhoneNormalized));
        Assert.Equal([("one@example.com", null), ("two@example.com", null)], leads);
        var notes = (await host.ReadAsync(db => db.Messages.Where(m => m.Brand == _brand.Name && m.ExternalId == "case2-w1-m").Select(m => m.Metadata).SingleAsync())).GetRawText();
        Assert.Contains("customer.phone: dropped", notes);
        Assert.Equal(0u, await host.ErrorQueueDepthAsync());
    }

    [Fact]
    public async Task Case3_a_lone_surrogate_in_json_is_a_400_on_v1_and_repaired_from_the_widget_and_never_opens_the_breaker()
    {
        var other = host.Brand("contract2");
        var badMetadata = """{"channel":"web","external_event_id":"case3-bad","occurred_at":"@at","customer":{"email":"c3@example.com"},"session_key":"case3","message":{"sender":"customer","content":"x","metadata":{"k":"\ud83d"}}}"""
            .Replace("@at", Now.ToString("O"));
        for (var i = 0; i < 15; i++)
            await AssertProblemAsync(await host.PostInteractionsRawAsync(_brand.ApiKey, badMetadata), HttpStatusCode.BadRequest, "message.metadata");

        // The breaker counts only broker faults: another brand's valid request still goes through.
        await host.PostAndWaitAsync(other, Channels.Web, "case3-other", Web("case3-other", Now, Customer(email: "c3o@example.com"), "case3-other", Message("fine")));

        // A batch whose second item is bad publishes neither.
        var good = JsonNode.Parse(badMetadata)!.AsObject();
        good["external_event_id"] = "case3-first";
        good["message"]!["metadata"] = new JsonObject();
        var batch = $$"""{"interactions":[{{good.ToJsonString()}},{{badMetadata}}]}""";
        await AssertProblemAsync(await host.PostInteractionsRawAsync(_brand.ApiKey, batch), HttpStatusCode.BadRequest, "interactions[1].message.metadata");

        var widget = Utf8("""{"brand":"contract","external_session_id":"case3-w","visitor":{"id":"v-c3"},"channel_data":{"utm":"\udc00"},"messages":[{"id":"case3-w-m","sender":"customer","content":"hi \ud83d there","metadata":{"bad":"\ud800"}}]}""");
        Assert.Equal(HttpStatusCode.Accepted, (await host.PostWidgetAsync(widget)).StatusCode);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(_brand, Channels.Web, "case3-w-m"));

        var message = Assert.Single(await host.ReadAsync(db => db.Messages.Where(m => m.Brand == _brand.Name && m.ExternalId == "case3-w-m")
            .Select(m => new { m.Content, m.Metadata }).ToListAsync()));
        var (content, metadata) = (message.Content, message.Metadata.GetRawText());
        Assert.Equal("hi \uFFFD there", content);
        Assert.Contains("web.channel_data: dropped", metadata);
        Assert.Contains("message.metadata: dropped", metadata);
        string[] refusedIds = ["case3-bad", "case3-first"];
        Assert.Equal(0L, await host.ReadAsync(db => db.Messages.LongCountAsync(m => m.Brand == _brand.Name && refusedIds.Contains(m.ExternalId))));
        Assert.Equal(0u, await host.ErrorQueueDepthAsync());
    }

    [Theory]
    [InlineData("web", "web.external_session_id")]
    [InlineData("voice", "voice.call_sid")]
    [InlineData("whatsapp", "whatsapp.contact_id")]
    [InlineData("social", "social.platform_user_id")]
    public async Task Case4_an_overlong_key_is_a_400_on_v1_even_with_a_session_key(string channel, string field)
    {
        var huge = new string('k', 9000);
        var body = new JsonObject
        {
            ["channel"] = channel,
            ["external_event_id"] = $"case4-{channel}",
            ["occurred_at"] = Now,
            ["customer"] = new JsonObject { ["email"] = "c4@example.com" },
            ["session_key"] = "case4",
            ["message"] = new JsonObject { ["sender"] = "customer", ["content"] = "hi" },
        };
        var (detail, property) = field.Split('.') is [var d, var p] ? (d, p) : throw new ArgumentException(field);
        body[detail] = channel == "social"
            ? new JsonObject { ["platform"] = "instagram", [property] = huge }
            : new JsonObject { [property] = huge };

        await AssertProblemAsync(await host.PostInteractionsRawAsync(_brand.ApiKey, body.ToJsonString()), HttpStatusCode.BadRequest, field);
        Assert.Equal(0L, await host.ReadAsync(db => db.Messages.LongCountAsync(m => m.ExternalId == $"case4-{channel}")));
    }

    [Fact]
    public async Task Case4_the_widgets_overlong_email_and_phone_are_dropped_and_the_chat_recorded()
    {
        var huge = new string('9', 9000);
        var post = Widget(_brand, "case4-w", new { id = "v-case4", email = huge + "@example.com", phone = huge, name = new string('n', 9000) },
            [("case4-w-m", Senders.Customer, "hello", Now)]);
        Assert.Equal(HttpStatusCode.Accepted, (await host.PostWidgetAsync(post)).StatusCode);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(_brand, Channels.Web, "case4-w-m"));

        var session = Assert.Single(await host.ReadAsync(db => db.WebSessions.Where(s => s.Brand == _brand.Name && s.ExternalSessionId == "case4-w")
            .Select(s => new { s.CustomerEmail, s.CustomerPhone, s.CustomerName }).ToListAsync()));
        var (email, phone, name) = (session.CustomerEmail, session.CustomerPhone, session.CustomerName!);
        Assert.Equal((null, null, 256), (email, phone, name.Length));
        Assert.Equal(0u, await host.ErrorQueueDepthAsync());
    }

    [Fact]
    public async Task Case5_two_brands_may_log_the_same_call_sid()
    {
        var other = host.Brand("contract2");
        await host.PostAndWaitAsync(_brand, Channels.Voice, "case5-a",
            Voice("case5-a", Now, Customer(phone: "+91 98450 10005"), "CA-case5-shared", Message("call started", Senders.System)));
        await host.PostAndWaitAsync(other, Channels.Voice, "case5-b",
            Voice("case5-b", Now, Customer(phone: "+91 98450 10006"), "CA-case5-shared", Message("call started", Senders.System)));

        var brands = await host.ReadAsync(db => db.VoiceSessions.Where(s => s.CallSid == "CA-case5-shared").OrderBy(s => s.Brand).Select(s => s.Brand).ToListAsync());
        Assert.Equal(["contract", "contract2"], brands);
        Assert.Equal(0u, await host.ErrorQueueDepthAsync());
    }

    [Fact]
    public async Task Case6_invalid_UTF8_or_a_lone_surrogate_in_a_v1_string_is_a_400_naming_the_field()
    {
        var valid = Encoding.UTF8.GetBytes($$"""{"channel":"web","external_event_id":"case6","occurred_at":"{{Now:O}}","customer":{"name":"XX","email":"c6@example.com"},"session_key":"case6"}""");
        var invalidUtf8 = valid.ToArray();
        var at = Array.IndexOf(invalidUtf8, (byte)'X');
        invalidUtf8[at] = 0xC3;
        invalidUtf8[at + 1] = 0x28;
        await AssertProblemAsync(await host.PostInteractionsBytesAsync(_brand.ApiKey, invalidUtf8), HttpStatusCode.BadRequest, "$");

        var surrogate = Encoding.UTF8.GetString(valid).Replace("\"XX\"", "\"\\ud83d\"");
        await AssertProblemAsync(await host.PostInteractionsRawAsync(_brand.ApiKey, surrogate), HttpStatusCode.BadRequest, "customer.name");
        var nul = Encoding.UTF8.GetString(valid).Replace("\"XX\"", "\"a\\u0000b\"");
        await AssertProblemAsync(await host.PostInteractionsRawAsync(_brand.ApiKey, nul), HttpStatusCode.BadRequest, "customer.name");
        Assert.Equal(0L, await host.ReadAsync(db => db.WebSessions.LongCountAsync(s => s.ExternalSessionId == "case6")));
    }

    [Fact]
    public async Task Case7_impossible_times_display_name_emails_and_huge_names_are_refused_or_repaired()
    {
        var ancient = Widget(_brand, "case7-w", new { id = "v-case7" }, [("case7-old", Senders.Customer, "hi", DateTimeOffset.MinValue)]);
        await AssertProblemAsync(await host.PostWidgetAsync(ancient), HttpStatusCode.BadRequest, null);

        foreach (var email in new[] { "Bob <bob@example.com>", "not-an-email <script>" })
        {
            var refused = await host.PostInteractionsAsync(_brand, Web("case7-v1", Now, Customer(email: email), "case7-v1", Message("hi")));
            await AssertProblemAsync(refused, HttpStatusCode.BadRequest, "customer.email");
        }

        var careless = Widget(_brand, "case7-w2", new { id = "v-case7-2", name = new string('N', 200_000), email = "not-an-email <script>" },
            [("case7-new", Senders.Customer, "hi", Now)]);
        Assert.Equal(HttpStatusCode.Accepted, (await host.PostWidgetAsync(careless)).StatusCode);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(_brand, Channels.Web, "case7-new"));
        var session = Assert.Single(await host.ReadAsync(db => db.WebSessions.Where(s => s.Brand == _brand.Name && s.ExternalSessionId == "case7-w2")
            .Select(s => new { s.CustomerName, s.CustomerEmail }).ToListAsync()));
        var (name, email2) = (session.CustomerName!, session.CustomerEmail);
        Assert.Equal((256, null), (name.Length, email2));
        string[] refusedIds = ["case7-old", "case7-v1"];
        Assert.Equal(0L, await host.ReadAsync(db => db.Messages.LongCountAsync(m => refusedIds.Contains(m.ExternalId))));
        Assert.Equal(0u, await host.ErrorQueueDepthAsync());
    }

    [Fact]
    public async Task Case8_unsigned_Twilio_requests_get_the_same_401_whatever_brand_and_answers_are_not_stored()
    {
        const string form = "CallSid=CAcase8&From=%2B14155550100&To=%2B19995550100&Direction=inbound&CallStatus=ringing";
        var statuses = new List<HttpStatusCode>();
        foreach (var query in new[] { "?brand=contract", "?brand=nope", "" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/twilio/voice/status" + query)
            {
                Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            var response = await host.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], statuses);

        var accepted = await host.PostInteractionsAsync(_brand, Web("case8", Now, Customer(email: "c8@example.com"), "case8", Message("hi")));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("no-store", accepted.Headers.CacheControl?.ToString());
    }

    static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string? field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is null)
            return;
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains(field, errors);
    }
}
