using System.Security.Cryptography;
using System.Text;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Providers;
using Proxe.Gateway.Providers.WebWidget;

namespace Proxe.Gateway.Tests.Providers;

/// <summary>The web widget's own JSON → web interactions.</summary>
public sealed class WebWidgetInteractionsTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 12, 1, 10, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset ReceivedAt = SignedAt.AddSeconds(1);

    private static (IReadOnlyList<ChannelInteractionReceived> Interactions, List<string> Errors) Map(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        Assert.True(ProviderJson.TryDeserialize<WebWidgetEvent>(body, out var post, out var error), error);
        Assert.True(ProviderTestData.Brands().TryGet("acme", out var settings));
        var errors = new List<string>();
        return (WebWidgetInteractions.Map(post!, body, "acme", settings, SignedAt, ReceivedAt, errors), errors);
    }

    private const string Chat = """
        {
          "brand": "acme",
          "visitor": { "id": "v-4f2c", "name": "Asha Rao", "email": "asha@example.com", "phone": "098765 43210" },
          "external_session_id": "web-session-7f3a",
          "chat_session_id": "chat-7f3a",
          "website_url": "https://example.com/projects/lakeview",
          "booking": { "status": "confirmed", "date": "2026-12-05", "time": "11:00", "google_event_id": "evt_5t0q" },
          "conversation_summary": "Wants a 3 BHK.",
          "user_inputs_summary": "3 BHK; Saturday",
          "channel_data": { "utm_source": "google" },
          "messages": [
            { "id": "chat-7f3a-1", "sender": "customer", "content": "Can I visit on Saturday?", "sent_at": "2026-12-01T10:00:00Z" },
            { "id": "chat-7f3a-2", "sender": "agent", "content": "Booked: Saturday 11:00.", "type": "text", "sent_at": "2026-12-01T10:00:04Z",
              "metadata": { "model_used": "gpt-x", "tokens_used": 42 } }
          ]
        }
        """;

    [Fact]
    public void Each_chat_message_is_one_interaction_carrying_the_session_state()
    {
        var (interactions, errors) = Map(Chat);

        Assert.Empty(errors);
        Assert.Equal(["chat-7f3a-1", "chat-7f3a-2"], interactions.Select(i => i.ExternalEventId));
        Assert.Equal([Senders.Customer, Senders.Agent], interactions.Select(i => i.Message!.Sender));
        Assert.Equal(InteractionIds.For("acme", Channels.Web, "chat-7f3a-1"), interactions[0].InteractionId);
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T10:00:04Z"), interactions[1].OccurredAt);
        Assert.Equal(42, interactions[1].Message!.Metadata!.Value.GetProperty("tokens_used").GetInt32());
        Assert.All(interactions, interaction =>
        {
            Assert.Equal(Channels.Web, interaction.Channel);
            Assert.Equal("acme", interaction.Brand);
            Assert.Equal("web-session-7f3a", interaction.SessionKey);
            Assert.Equal("text", interaction.Message!.Type);
            Assert.Equal(new CustomerInfo
            {
                Name = "Asha Rao",
                Email = "asha@example.com",
                Phone = "098765 43210",
                PhoneNormalized = "919876543210",
                Platform = Platforms.WebVisitor,
                PlatformUserId = "v-4f2c",
            }, interaction.Customer);
            var web = interaction.Web!;
            Assert.Equal("web-session-7f3a", web.ExternalSessionId);
            Assert.Equal("chat-7f3a", web.ChatSessionId);
            Assert.Equal("https://example.com/projects/lakeview", web.WebsiteUrl);
            Assert.Equal("confirmed", web.BookingStatus);
            Assert.Equal(new DateOnly(2026, 12, 5), web.BookingDate);
            Assert.Equal(new TimeOnly(11, 0), web.BookingTime);
            Assert.Equal("evt_5t0q", web.GoogleEventId);
            Assert.Equal("Wants a 3 BHK.", web.ConversationSummary);
            Assert.Equal("3 BHK; Saturday", web.UserInputsSummary);
            Assert.Equal("google", web.ChannelData!.Value.GetProperty("utm_source").GetString());
        });
    }

    [Fact]
    public void A_post_without_messages_is_one_interaction_keyed_by_the_body_hash()
    {
        const string json = """{"brand":"acme","visitor":{"email":"asha@example.com"},"external_session_id":"s-1","booking":{"status":"cancelled"}}""";
        var (interactions, errors) = Map(json);

        Assert.Empty(errors);
        var interaction = Assert.Single(interactions);
        var expectedId = "state:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(expectedId, interaction.ExternalEventId);
        Assert.Null(interaction.Message);
        Assert.Equal("cancelled", interaction.Web!.BookingStatus);
        Assert.Equal(SignedAt, interaction.OccurredAt);
        // No visitor id: the session stands for the visitor.
        Assert.Equal("s-1", interaction.Customer.PlatformUserId);
        Assert.Equal(interaction.InteractionId, Map(json).Interactions[0].InteractionId);
        Assert.NotEqual(interaction.InteractionId, Map(json.Replace("cancelled", "confirmed")).Interactions[0].InteractionId);
    }

    [Fact]
    public void An_explicit_event_id_and_occurred_at_win()
    {
        var (interactions, _) = Map("""{"brand":"acme","event_id":"evt-9","occurred_at":"2026-12-01T09:00:00+05:30","external_session_id":"s-1","conversation_summary":"x"}""");

        Assert.Equal("evt-9", interactions[0].ExternalEventId);
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T03:30:00Z"), interactions[0].OccurredAt);
    }

    [Fact]
    public void A_message_without_sent_at_takes_the_post_time()
    {
        var (interactions, _) = Map("""{"brand":"acme","external_session_id":"s-1","messages":[{"id":"m1","sender":"system","content":"Visitor left"}]}""");

        Assert.Equal(SignedAt, interactions[0].OccurredAt);
        Assert.Equal(Senders.System, interactions[0].Message!.Sender);
    }

    [Theory]
    [InlineData("""{"brand":"acme"}""", "external_session_id is required.")]
    [InlineData("""{"brand":"acme","external_session_id":" "}""", "external_session_id is required.")]
    [InlineData("""{"brand":"acme","external_session_id":"s","messages":[{"sender":"customer","content":"x"}]}""", "messages[0].id is required.")]
    [InlineData("""{"brand":"acme","external_session_id":"s","messages":[{"id":"m","sender":"bot","content":"x"}]}""", "messages[0].sender must be customer, agent or system.")]
    [InlineData("""{"brand":"acme","external_session_id":"s","messages":[{"id":"m","content":"x"}]}""", "messages[0].sender must be customer, agent or system.")]
    [InlineData("""{"brand":"acme","external_session_id":"s","occurred_at":"2026-12-01T10:06:00Z"}""", "occurred_at is in the future.")]
    [InlineData("""{"brand":"acme","external_session_id":"s","messages":[{"id":"m","sender":"agent","sent_at":"2027-01-01T00:00:00Z"}]}""", "messages[0].sent_at is in the future.")]
    public void Invalid_posts_name_the_field(string json, string expected)
    {
        var (interactions, errors) = Map(json);

        Assert.Empty(interactions);
        Assert.Contains(expected, errors);
    }

    [Fact]
    public void Ids_longer_than_256_characters_are_refused()
    {
        var id = new string('i', WebWidgetInteractions.MaxIdLength + 1);
        var (interactions, errors) = Map($$"""{"brand":"acme","external_session_id":"{{id}}","visitor":{"id":"{{id}}"},"messages":[{"id":"{{id}}","sender":"customer"}]}""");

        Assert.Empty(interactions);
        Assert.Equal(
            ["external_session_id may hold at most 256 characters.", "visitor.id may hold at most 256 characters.", "messages[0].id may hold at most 256 characters."],
            errors);
    }

    [Fact]
    public void Times_a_few_minutes_ahead_are_tolerated()
    {
        var (interactions, errors) = Map("""{"brand":"acme","external_session_id":"s","messages":[{"id":"m","sender":"agent","sent_at":"2026-12-01T10:04:00Z"}]}""");

        Assert.Empty(errors);
        Assert.Single(interactions);
    }

    [Fact]
    public void More_than_100_messages_is_refused()
    {
        var messages = string.Join(",", Enumerable.Range(0, WebWidgetInteractions.MaxMessages + 1).Select(i => $$"""{"id":"m{{i}}","sender":"customer"}"""));
        var (interactions, errors) = Map($$"""{"brand":"acme","external_session_id":"s","messages":[{{messages}}]}""");

        Assert.Empty(interactions);
        Assert.Contains("messages may hold at most 100 items.", errors);
    }

    [Theory]
    [InlineData("""{"brand":"acme","external_session_id":"s","booking":{"date":"05/12/2026"}}""")]
    [InlineData("""{"brand":"acme","external_session_id":"s","booking":{"time":"11am"}}""")]
    [InlineData("""{"brand":"acme","external_session_id":"s","messages":{}}""")]
    [InlineData("""{"brand":"acme","external_session_id":"s",""")]
    [InlineData("null")]
    public void Unreadable_json_is_refused_with_where(string json)
    {
        Assert.False(ProviderJson.TryDeserialize<WebWidgetEvent>(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.DoesNotContain("05/12", error);
    }

    [Fact]
    public void The_chatwoot_sample_is_another_products_format_and_is_refused()
    {
        // Kept as the model our format was drawn from; posting it as-is names what our format needs.
        var body = ProviderTestData.Sample("webchat_chatwoot_message_created.json");
        Assert.True(ProviderJson.TryDeserialize<WebWidgetEvent>(body, out var post, out _));
        Assert.Null(post!.Brand);

        var errors = new List<string>();
        Assert.True(ProviderTestData.Brands().TryGet("acme", out var settings));
        Assert.Empty(WebWidgetInteractions.Map(post, body, "acme", settings, SignedAt, ReceivedAt, errors));
        Assert.Equal(["external_session_id is required."], errors);
    }
}
