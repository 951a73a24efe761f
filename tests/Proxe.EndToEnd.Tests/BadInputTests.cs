using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Proxe.EndToEnd.Tests.Posts;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// Every validation failure of POST /v1/interactions: its status and problem details, and nothing published nor stored.
/// A tap queue bound to the interaction exchange sees every publish, whatever the workers consume.
/// </summary>
public sealed class BadInputTests(EndToEndHost host) : IClassFixture<EndToEndHost>
{
    static JsonObject Valid() => JsonSerializer.SerializeToNode(
        Web("bad-1", T0, Customer("Refused", "+91 98450 00000"), "web-bad", Message("hello")), EndToEndHost.Json)!.AsObject();

    static JsonNode Batch(params JsonNode[] items) => new JsonObject { ["interactions"] = new JsonArray(items) };

    /// <summary>Each case: the body, and the field its problem details must name.</summary>
    static readonly Dictionary<string, (Func<JsonNode> Body, string Field)> Cases = new()
    {
        ["unknown channel"] = (() => With(Valid(), "channel", "sms"), "channel"),
        ["missing channel"] = (() => Without(Valid(), "channel"), "channel"),
        ["missing external_event_id"] = (() => Without(Valid(), "external_event_id"), "external_event_id"),
        ["overlong external_event_id"] = (() => With(Valid(), "external_event_id", new string('e', 300)), "external_event_id"),
        ["missing occurred_at"] = (() => Without(Valid(), "occurred_at"), "occurred_at"),
        ["occurred_at an hour ahead"] = (() => With(Valid(), "occurred_at", DateTimeOffset.UtcNow.AddHours(1)), "occurred_at"),
        ["occurred_at before 2000"] = (() => With(Valid(), "occurred_at", new DateTimeOffset(1999, 12, 31, 0, 0, 0, TimeSpan.Zero)), "occurred_at"),
        ["missing customer"] = (() => Without(Valid(), "customer"), "customer"),
        ["customer without identity"] = (() => With(Valid(), "customer", new JsonObject { ["name"] = "Nobody" }), "customer"),
        ["phone that is no phone"] = (() => With(Valid(), "customer", new JsonObject { ["phone"] = "call me maybe" }), "customer.phone"),
        ["email that is no email"] = (() => With(Valid(), "customer", new JsonObject { ["email"] = "not-an-email" }), "customer.email"),
        ["platform without user id"] = (() => With(Valid(), "customer", new JsonObject { ["platform"] = "instagram", ["phone"] = "+91 98450 00000" }), "customer.platform_user_id"),
        ["overlong name"] = (() => With(Valid(), "customer", new JsonObject { ["name"] = new string('n', 300), ["phone"] = "+91 98450 00000" }), "customer.name"),
        ["unknown sender"] = (() => With(Valid(), "message", new JsonObject { ["sender"] = "robot", ["content"] = "beep" }), "message.sender"),
        ["content over 64 KB"] = (() => With(Valid(), "message", new JsonObject { ["sender"] = "customer", ["content"] = new string('x', 64 * 1024 + 1) }), "message.content"),
        // PostgreSQL text cannot hold U+0000: accepted, such a message fails in the worker on every delivery.
        ["NUL character in content"] = (() => With(Valid(), "message", new JsonObject { ["sender"] = "customer", ["content"] = "a\u0000b" }), "message.content"),
        ["voice without call detail"] = (() => With(Without(Valid(), "web"), "channel", "voice"), "voice"),
        ["detail of another channel"] = (() => With(Valid(), "whatsapp", new JsonObject { ["contact_id"] = "919845000000" }), "whatsapp"),
        ["empty batch"] = (() => Batch(), "interactions"),
        ["batch of 101"] = (() => Batch([.. Enumerable.Range(0, 101).Select(i => With(Valid(), "external_event_id", $"bad-{i}"))]), "interactions"),
        ["batch with one bad item"] = (() => Batch(Valid(), With(Valid(), "channel", "fax")), "interactions[1].channel"),
        ["misspelt field"] = (() => With(Valid(), "ocurred_at", T0), "ocurred_at"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Each_validation_failure_gets_a_400_naming_its_field_and_publishes_nothing(string name)
    {
        var (body, field) = Cases[name];
        var tap = await host.TapInteractionsAsync();

        var response = await host.PostInteractionsRawAsync(host.Brand("refused").ApiKey, body().ToJsonString());

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains(field, errors);
        await AssertNothingPublishedAsync(tap);
    }

    [Fact]
    public async Task Malformed_JSON_gets_a_400_and_publishes_nothing()
    {
        var tap = await host.TapInteractionsAsync();
        var response = await host.PostInteractionsRawAsync(host.Brand("refused").ApiKey, """{"channel": "web", "external_event_id": """);
        await ProblemAsync(response, HttpStatusCode.BadRequest);
        await AssertNothingPublishedAsync(tap);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key-of-any-brand-at-all")]
    public async Task A_missing_or_wrong_key_gets_401_and_publishes_nothing(string? key)
    {
        var tap = await host.TapInteractionsAsync();
        var response = await host.PostInteractionsRawAsync(key, Valid().ToJsonString());
        await ProblemAsync(response, HttpStatusCode.Unauthorized);
        await AssertNothingPublishedAsync(tap);
    }

    [Fact]
    public async Task A_key_of_another_brand_than_the_body_names_gets_403_and_publishes_nothing()
    {
        var tap = await host.TapInteractionsAsync();
        var response = await host.PostInteractionsRawAsync(host.Brand("refused").ApiKey, With(Valid(), "brand", "control").ToJsonString());
        await ProblemAsync(response, HttpStatusCode.Forbidden);
        await AssertNothingPublishedAsync(tap);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_gets_415_and_an_oversize_one_413()
    {
        var tap = await host.TapInteractionsAsync();
        var key = host.Brand("refused").ApiKey;

        await ProblemAsync(await host.PostInteractionsRawAsync(key, "channel=web", "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType);
        var oversize = With(Valid(), "padding", new string(' ', 1024 * 1024)).ToJsonString();
        await ProblemAsync(await host.PostInteractionsRawAsync(key, oversize), HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingPublishedAsync(tap);
    }

    /// <summary>The control: the tap does see what the gateway publishes, so an empty tap above means nothing was.</summary>
    [Fact]
    public async Task A_valid_interaction_reaches_the_tap_and_the_database()
    {
        var brand = host.Brand("control");
        var tap = await host.TapInteractionsAsync();

        var response = await host.PostInteractionsRawAsync(brand.ApiKey, Valid().ToJsonString());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1u, await host.Broker.GetQueueDepthAsync(tap));
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(brand, Proxe.Contracts.Channels.Web, "bad-1"));
        Assert.Equal(1L, await host.ReadAsync(db => db.Messages.LongCountAsync(m => m.Brand == brand.Name)));
    }

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>
    /// The gateway answers only after the broker confirmed its publishes, so anything it had published would already be
    /// in the tap; and the refused brand has nothing in the database.
    /// </summary>
    async Task AssertNothingPublishedAsync(string tap)
    {
        Assert.Equal(0u, await host.Broker.GetQueueDepthAsync(tap));
        Assert.Equal(0L, await host.ReadAsync(async db =>
            await db.Leads.LongCountAsync(l => l.Brand == "refused") + await db.Messages.LongCountAsync(m => m.Brand == "refused")));
    }

    static JsonObject With(JsonObject body, string name, JsonNode? value)
    {
        body[name] = value;
        return body;
    }

    static JsonObject With(JsonObject body, string name, string value) => With(body, name, JsonValue.Create(value));

    static JsonObject With(JsonObject body, string name, DateTimeOffset value) => With(body, name, JsonValue.Create(value));

    static JsonObject Without(JsonObject body, string name)
    {
        body.Remove(name);
        return body;
    }
}
