using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Text.Json;
using Proxe.Contracts;
using static Proxe.EndToEnd.Tests.Posts;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// Found auditing issue 8: JSON numbers are not text, yet PostgreSQL's jsonb cannot hold every one of them
/// (numeric: at most 131,072 digits before the point, 16,383 after). 1e1000000 passed every rule of the contract,
/// got a 202 and was dead-lettered with "22003: value overflows numeric format".
/// </summary>
public sealed class Issue8AuditTests(EndToEndHost host) : IClassFixture<EndToEndHost>
{
    readonly TestBrand _brand = host.Brand("contract");
    static readonly DateTimeOffset Now = DateTimeOffset.UtcNow.AddMinutes(-1);

    [Theory]
    [InlineData("1e1000000")]
    [InlineData("-1e200000")]
    [InlineData("0e-20000")]
    public async Task A_json_number_jsonb_cannot_hold_is_a_400_on_v1_and_records_nothing(string number)
    {
        var eventId = "audit-num-v1-" + number;
        var body = """
            {"channel":"web","external_event_id":"@event","occurred_at":"@at","customer":{"email":"num@example.com"},
             "session_key":"audit-num","message":{"sender":"customer","content":"x","metadata":{"n":@number}}}
            """.Replace("@event", eventId).Replace("@at", Now.ToString("O")).Replace("@number", number);

        var response = await host.PostInteractionsRawAsync(_brand.ApiKey, body);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("message.metadata", JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(0L, await host.ReadAsync(db => db.Messages.LongCountAsync(m => m.ExternalId == eventId)));
    }

    [Fact]
    public async Task A_json_number_jsonb_cannot_hold_in_a_provider_payload_is_dropped_with_a_note_and_the_event_recorded()
    {
        var widget = Utf8("""
            {"brand":"contract","external_session_id":"audit-num-w","visitor":{"id":"v-audit-num"},"channel_data":{"utm":1e1000000},
             "messages":[{"id":"audit-num-w-m","sender":"customer","content":"hi","metadata":{"big":0e-20000,"fine":1.5e10}}]}
            """);

        var response = await host.PostWidgetAsync(widget);

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(_brand, Channels.Web, "audit-num-w-m"));
        var metadata = (await host.ReadAsync(db => db.Messages.SingleAsync(m => m.Brand == _brand.Name && m.ExternalId == "audit-num-w-m"))).Metadata.GetRawText();
        Assert.Contains("web.channel_data: dropped", metadata);
        Assert.Contains("message.metadata: dropped", metadata);
        Assert.Equal(0u, await host.ErrorQueueDepthAsync());
    }

    [Fact]
    public async Task Numbers_jsonb_can_hold_pass_unchanged()
    {
        var body = """
            {"channel":"web","external_event_id":"audit-num-ok","occurred_at":"@at","customer":{"email":"num-ok@example.com"},
             "session_key":"audit-num-ok","message":{"sender":"customer","content":"x","metadata":{"a":1e300,"b":-0.000001,"c":123456789012345678901234567890}}}
            """.Replace("@at", Now.ToString("O"));

        Assert.Equal(HttpStatusCode.Accepted, (await host.PostInteractionsRawAsync(_brand.ApiKey, body)).StatusCode);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(_brand, Channels.Web, "audit-num-ok"));
        Assert.Equal("123456789012345678901234567890", (await host.ReadAsync(db => db.Messages.SingleAsync(m => m.Brand == _brand.Name && m.ExternalId == "audit-num-ok")))
            .Metadata.GetProperty("c").GetRawText());
        Assert.Equal(0u, await host.ErrorQueueDepthAsync());
    }
}
