using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Interactions;
using Proxe.Testing;
using RabbitMQ.Client;

namespace Proxe.Gateway.Tests;

/// <summary>POST /v1/interactions against a real RabbitMQ: what is accepted sits in a queue bound as the workers' is; what is refused publishes nothing.</summary>
public sealed class InteractionEndpointTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IAsyncLifetime
{
    private readonly string _queue = $"test-{Guid.NewGuid():N}";
    private GatewayFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await GatewayFactory.BindQueueAsync(rabbit, _queue);

        _factory = new GatewayFactory(rabbit.AmqpUri);
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Valid_interaction_is_202_and_waits_in_the_interactions_queue_in_a_persistent_message()
    {
        var response = await PostAsync(Valid(), GatewayFactory.AcmeKey);

        await AssertStatusAsync(HttpStatusCode.Accepted, response);
        var ids = (await response.Content.ReadFromJsonAsync<JsonObject>())!["interaction_ids"]!.AsArray().Select(n => n!.GetValue<Guid>()).ToList();
        var expectedId = InteractionIds.For("acme", "whatsapp", "wamid.test-1");
        Assert.Equal([expectedId], ids);

        var (properties, message, _) = await GetSingleInteractionAsync();
        Assert.True(properties.Persistent);

        Assert.Equal(expectedId, message["interactionId"]!.GetValue<Guid>());
        Assert.Equal("acme", message["brand"]!.GetValue<string>());
        Assert.Equal("whatsapp", message["channel"]!.GetValue<string>());
        Assert.Equal("919876543210", message["customer"]!["phoneNormalized"]!.GetValue<string>());
        Assert.Equal("098765 43210", message["customer"]!["phone"]!.GetValue<string>());
        Assert.Equal("919876543210", message["sessionKey"]!.GetValue<string>());
        Assert.Equal("Is the 3 BHK still available?", message["message"]!["content"]!.GetValue<string>());
        Assert.Equal("text", message["message"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_request_of_several_channels_travels_in_one_message()
    {
        var web = Valid();
        web["channel"] = "web";
        web["external_event_id"] = "visit-1-event";
        web.Remove("whatsapp");
        web["web"] = new JsonObject { ["external_session_id"] = "visit-1", ["booking_status"] = "pending", ["booking_date"] = "2025-02-01" };

        await AssertStatusAsync(HttpStatusCode.Accepted, await PostAsync(new JsonObject { ["interactions"] = new JsonArray(web, Valid()) }, GatewayFactory.AcmeKey));

        await using var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var message = await channel.BasicGetAsync(_queue, autoAck: true);
        Assert.NotNull(message);
        Assert.Null(await channel.BasicGetAsync(_queue, autoAck: true));
        Assert.Equal(["web", "whatsapp"], GatewayFactory.InteractionsOf(message.Body).Select(interaction => interaction["channel"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Published_bodies_are_compact_without_nulls()
    {
        var response = await PostAsync(Valid(), GatewayFactory.AcmeKey);

        await AssertStatusAsync(HttpStatusCode.Accepted, response);
        var (_, interaction, body) = await GetSingleInteractionAsync();
        Assert.DoesNotContain('\n', body);
        Assert.DoesNotContain(":null", body);
        // A whatsapp interaction has no web, voice or social detail: those fields are left out, not written as null.
        Assert.False(interaction.AsObject().ContainsKey("web"));
        Assert.True(interaction.AsObject().ContainsKey("whatsApp"));
    }

    [Fact]
    public async Task Batch_is_accepted_whole_with_ids_in_request_order()
    {
        var first = Valid();
        var second = Valid();
        second["external_event_id"] = "wamid.test-2";
        second["customer"] = new JsonObject { ["email"] = "asha@example.com" };
        second["session_key"] = "asha-wa";

        var response = await PostAsync(new JsonObject { ["interactions"] = new JsonArray(first, second) }, GatewayFactory.AcmeKey);

        await AssertStatusAsync(HttpStatusCode.Accepted, response);
        var ids = (await response.Content.ReadFromJsonAsync<JsonObject>())!["interaction_ids"]!.AsArray().Select(n => n!.GetValue<Guid>());
        Assert.Equal([InteractionIds.For("acme", "whatsapp", "wamid.test-1"), InteractionIds.For("acme", "whatsapp", "wamid.test-2")], ids);
        // A request's interactions travel in one message, in request order.
        await using var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var message = await channel.BasicGetAsync(_queue, autoAck: true);
        Assert.NotNull(message);
        Assert.Null(await channel.BasicGetAsync(_queue, autoAck: true));
        Assert.Equal(ids, GatewayFactory.InteractionsOf(message.Body).Select(interaction => interaction["interactionId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task Same_event_posted_twice_keeps_the_same_interaction_id()
    {
        var a = await (await PostAsync(Valid(), GatewayFactory.AcmeKey)).Content.ReadFromJsonAsync<JsonObject>();
        var b = await (await PostAsync(Valid(), GatewayFactory.AcmeKey)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(a!["interaction_ids"]!.ToJsonString(), b!["interaction_ids"]!.ToJsonString());
    }

    [Fact]
    public async Task Brand_is_taken_from_the_key_and_a_matching_body_brand_is_fine()
    {
        var body = Valid();
        body["brand"] = "globex";
        body["customer"] = new JsonObject { ["phone"] = "(415) 867-5309" };
        body.Remove("whatsapp");

        var response = await PostAsync(body, GatewayFactory.GlobexKey);

        await AssertStatusAsync(HttpStatusCode.Accepted, response);
        var (_, message, _) = await GetSingleInteractionAsync();
        Assert.Equal("globex", message["brand"]!.GetValue<string>());
        Assert.Equal("14158675309", message["customer"]!["phoneNormalized"]!.GetValue<string>());
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { """{"channel":"fax"}""", "channel" },
        { """{"channel":null}""", "channel" },
        { """{"external_event_id":null}""", "external_event_id" },
        { """{"external_event_id":"  "}""", "external_event_id" },
        { $$"""{"external_event_id":"{{new string('x', 257)}}"}""", "external_event_id" },
        { """{"occurred_at":null}""", "occurred_at" },
        { """{"occurred_at":"1999-12-31T23:59:59Z"}""", "occurred_at" },
        { $$"""{"occurred_at":"{{DateTimeOffset.UtcNow.AddMinutes(10):O}}"}""", "occurred_at" },
        { """{"occurred_at":"yesterday"}""", "occurred_at" },
        { """{"customer":null}""", "customer" },
        { """{"customer":{"name":"No Identity"}}""", "customer" },
        { """{"customer":{"phone":"not a phone"}}""", "customer.phone" },
        { """{"customer":{"email":"not-an-email"}}""", "customer.email" },
        { """{"customer":{"platform":"myspace","platform_user_id":"1"}}""", "customer.platform" },
        { """{"customer":{"platform":"instagram"}}""", "customer.platform_user_id" },
        { $$$"""{"customer":{"phone":"9876543210","name":"{{{new string('n', 257)}}}"}}""", "customer.name" },
        { """{"message":{"sender":"robot","content":"hi"}}""", "message.sender" },
        { """{"message":{"content":"hi"}}""", "message.sender" },
        { $$$"""{"message":{"sender":"customer","content":"{{{new string('c', 64 * 1024 + 1)}}}"}}""", "message.content" },
        { """{"voice":{"call_sid":"CA1"}}""", "voice" },
        { """{"channel":"voice","whatsapp":null}""", "voice" },
        { """{"channel":"web","whatsapp":null,"session_key":null}""", "session_key" },
        { """{"customer":{"phone":"9876543210","phne":"x"}}""", "customer.phne" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Invalid_field_is_400_naming_it_and_publishes_nothing(string patch, string field)
    {
        var body = Valid();
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject())
            body[key] = value?.DeepClone();

        var response = await PostAsync(body, GatewayFactory.AcmeKey);

        await AssertStatusAsync(HttpStatusCode.BadRequest, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(400, problem!["status"]!.GetValue<int>());
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), $"errors should name '{field}': {problem.ToJsonString()}");
        Assert.Equal(0u, await rabbit.GetQueueDepthAsync(_queue));
    }

    [Fact]
    public async Task Every_problem_of_a_batch_is_named_and_nothing_of_it_is_published()
    {
        var good = Valid();
        var bad = Valid();
        bad["occurred_at"] = "1990-01-01T00:00:00Z";
        bad["channel"] = "pigeon";

        var response = await PostAsync(new JsonObject { ["interactions"] = new JsonArray(good, bad) }, GatewayFactory.AcmeKey);

        await AssertStatusAsync(HttpStatusCode.BadRequest, response);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["interactions[1].channel", "interactions[1].occurred_at"], errors.Select(e => e.Key).Order());
        Assert.Equal(0u, await rabbit.GetQueueDepthAsync(_queue));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task Batch_of_zero_or_more_than_100_is_400(int count)
    {
        var items = new JsonArray(Enumerable.Range(0, count).Select(i =>
        {
            var item = Valid();
            item["external_event_id"] = $"e-{i}";
            return (JsonNode)item;
        }).ToArray());

        var response = await PostAsync(new JsonObject { ["interactions"] = items }, GatewayFactory.AcmeKey);

        await AssertStatusAsync(HttpStatusCode.BadRequest, response);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("interactions"));
        Assert.Equal(0u, await rabbit.GetQueueDepthAsync(_queue));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key-0123456789")]
    public async Task Missing_or_wrong_key_is_401(string? key)
    {
        var response = await PostAsync(Valid(), key);

        await AssertStatusAsync(HttpStatusCode.Unauthorized, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0u, await rabbit.GetQueueDepthAsync(_queue));
    }

    [Fact]
    public async Task Key_of_one_brand_posting_for_another_is_403()
    {
        var body = Valid();
        body["brand"] = "globex";

        var response = await PostAsync(body, GatewayFactory.AcmeKey);

        await AssertStatusAsync(HttpStatusCode.Forbidden, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0u, await rabbit.GetQueueDepthAsync(_queue));
    }

    [Fact]
    public async Task Wrong_content_type_is_415()
    {
        var response = await SendAsync(new StringContent(Valid().ToJsonString(), Encoding.UTF8, "text/plain"), GatewayFactory.AcmeKey);

        await AssertStatusAsync(HttpStatusCode.UnsupportedMediaType, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Body_over_1_MB_is_413()
    {
        var body = Valid();
        body["message"]!["content"] = new string('x', 1024 * 1024);

        var response = await PostAsync(body, GatewayFactory.AcmeKey);

        await AssertStatusAsync(HttpStatusCode.RequestEntityTooLarge, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0u, await rabbit.GetQueueDepthAsync(_queue));
    }

    [Theory]
    [InlineData("{\"channel\":")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public async Task Malformed_json_is_400_problem(string json)
    {
        var response = await SendAsync(new StringContent(json, Encoding.UTF8, "application/json"), GatewayFactory.AcmeKey);

        await AssertStatusAsync(HttpStatusCode.BadRequest, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0u, await rabbit.GetQueueDepthAsync(_queue));
    }

    [Fact]
    public async Task OpenApi_document_describes_the_endpoint_with_examples()
    {
        var document = await _client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var post = document!["paths"]!["/v1/interactions"]!["post"]!;
        var examples = post["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject();
        Assert.Equal(["batch", "single"], examples.Select(e => e.Key).Order());
        Assert.Equal("whatsapp", examples["single"]!["value"]!["channel"]!.GetValue<string>());
        Assert.NotNull(post["responses"]!["202"]);
        Assert.NotNull(post["responses"]!["503"]);
        Assert.NotNull(document["components"]!["schemas"]!["InteractionRequest"]!["properties"]!["external_event_id"]);
    }

    [Fact]
    public async Task Ready_when_the_bus_is_connected()
    {
        var response = await Poll.ForAsync("the gateway is ready", () => _client.GetAsync("/health/ready"),
            ready => ready.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(20));

        await AssertStatusAsync(HttpStatusCode.OK, response);
    }

    private static async Task AssertStatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode != expected)
            Assert.Fail($"Expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static JsonObject Valid() => new()
    {
        ["channel"] = "whatsapp",
        ["external_event_id"] = "wamid.test-1",
        ["occurred_at"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
        ["customer"] = new JsonObject { ["name"] = "Asha Rao", ["phone"] = "098765 43210" },
        ["message"] = new JsonObject { ["sender"] = "customer", ["content"] = "Is the 3 BHK still available?" },
        ["whatsapp"] = new JsonObject { ["phone_number_id"] = "106540352242922" },
    };

    private Task<HttpResponseMessage> PostAsync(JsonNode body, string? key) =>
        SendAsync(new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), key);

    private Task<HttpResponseMessage> SendAsync(HttpContent content, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/interactions") { Content = content };
        if (key is not null)
            request.Headers.Add(InteractionEndpoints.ApiKeyHeader, key);
        return _client.SendAsync(request);
    }

    private async Task<(IReadOnlyBasicProperties Properties, JsonNode Interaction, string Body)> GetSingleInteractionAsync()
    {
        await using var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var result = await channel.BasicGetAsync(_queue, autoAck: true);
        Assert.NotNull(result);
        Assert.Null(await channel.BasicGetAsync(_queue, autoAck: true));
        return (result.BasicProperties, Assert.Single(GatewayFactory.InteractionsOf(result.Body)), Encoding.UTF8.GetString(result.Body.Span));
    }
}
