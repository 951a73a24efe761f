using System.Net;
using System.Text.Json;
using Proxe.Dashboard.Leads;

namespace Proxe.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class ContextTests(DashboardApp app)
{
    [Fact]
    public async Task The_context_holds_the_newest_messages_oldest_first_the_journey_the_channels_and_the_current_channel()
    {
        var context = await app.Client(DashboardApp.AcmeKey).GetJsonAsync($"/api/leads/{SeedData.John}/context?max_messages=3");

        Assert.Equal(SeedData.John, context.GetProperty("lead").GetProperty("id").GetGuid());
        Assert.Equal(DateTime.Parse("2025-01-01T10:00:00Z").ToUniversalTime(),
            context.GetProperty("lead").GetProperty("first_interaction_at").GetDateTime().ToUniversalTime());
        Assert.Equal("whatsapp", context.GetProperty("current_channel").GetString());
        Assert.Equal(["web", "whatsapp"], context.GetProperty("journey").Strings());
        Assert.Equal(["web", "whatsapp"], context.GetProperty("unified_context").GetProperty("channels").Strings());

        var messages = context.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["Booked for Jan 10, 15:30", "Is my booking confirmed?", "Yes, see you on the 10th"],
            messages.Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(["web", "whatsapp", "whatsapp"], messages.Select(m => m.GetProperty("channel").GetString()));
        Assert.Equal(["agent", "customer", "agent"], messages.Select(m => m.GetProperty("sender").GetString()));
        Assert.All(messages, m => Assert.False(m.GetProperty("truncated").GetBoolean()));

        var budget = context.GetProperty("budget");
        Assert.Equal(3, budget.GetProperty("max_messages").GetInt32());
        Assert.Equal(72, budget.GetProperty("used_chars").GetInt32());
        Assert.True(budget.GetProperty("omitted_messages").GetBoolean());

        var channels = context.GetProperty("channels");
        Assert.Equal("confirmed", channels.GetProperty("web").GetProperty("booking_status").GetString());
        Assert.Equal("2025-01-10", channels.GetProperty("web").GetProperty("booking_date").GetString());
        Assert.Equal("agent", channels.GetProperty("whatsapp").GetProperty("last_message_from").GetString());
        Assert.Equal(JsonValueKind.Null, channels.GetProperty("voice").ValueKind);
        Assert.Equal(JsonValueKind.Null, channels.GetProperty("social").ValueKind);
    }

    [Fact]
    public async Task The_character_budget_keeps_the_newest_messages_that_fit()
    {
        // 24 + 24 + 24 + 25 characters: 100 holds all four, 100 is also the smallest budget allowed.
        var all = await app.Client(DashboardApp.AcmeKey).GetJsonAsync($"/api/leads/{SeedData.John}/context?max_chars=100");
        Assert.Equal(4, all.GetProperty("messages").GetArrayLength());
        Assert.False(all.GetProperty("budget").GetProperty("omitted_messages").GetBoolean());
        Assert.Equal(97, all.GetProperty("budget").GetProperty("used_chars").GetInt32());
    }

    [Fact]
    public async Task Ravis_voice_call_is_in_his_context()
    {
        var context = await app.Client(DashboardApp.AcmeKey).GetJsonAsync($"/api/leads/{SeedData.Ravi}/context");

        var voice = context.GetProperty("channels").GetProperty("voice");
        Assert.Equal("CA-ravi-1", voice.GetProperty("call_sid").GetString());
        Assert.Equal(95, voice.GetProperty("call_duration_seconds").GetInt32());
        Assert.True(voice.TryGetProperty("transcript_excerpt", out _));
        Assert.False(voice.TryGetProperty("transcription", out _));
        Assert.Equal(["voice", "web", "whatsapp"], context.GetProperty("journey").Strings());
        Assert.Equal(["voice", "web", "whatsapp"], context.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("channel").GetString()));
    }

    [Fact]
    public void A_newest_message_longer_than_the_budget_is_cut_on_a_grapheme_boundary()
    {
        var longest = new LeadMessage { Channel = "web", Sender = "customer", Content = new string('a', 98) + "👍🏽 and more", OccurredAt = DateTime.UtcNow };
        var older = new LeadMessage { Channel = "web", Sender = "customer", Content = "older", OccurredAt = DateTime.UtcNow.AddMinutes(-1) };

        var (messages, used) = LeadContextEndpoint.Fit([longest, older], maxChars: 100);

        var only = Assert.Single(messages);
        Assert.True(only.Truncated);
        Assert.Equal(new string('a', 98) + "…", only.Content);
        Assert.Equal(99, used);
    }

    [Fact]
    public async Task Another_brands_lead_has_no_context_and_bad_budgets_are_400()
    {
        var acme = app.Client(DashboardApp.AcmeKey);

        await acme.GetProblemAsync($"/api/leads/{SeedData.GlobexJohn}/context", HttpStatusCode.NotFound);
        await acme.GetProblemAsync("/api/leads/not-a-guid/context", HttpStatusCode.BadRequest);
        var problem = await acme.GetProblemAsync($"/api/leads/{SeedData.John}/context?max_messages=0&max_chars=abc", HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("max_messages", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("max_chars", out _));
    }

    [Fact]
    public async Task The_documented_example_has_every_field_the_endpoint_returns()
    {
        var context = await app.Client(DashboardApp.AcmeKey).GetJsonAsync($"/api/leads/{SeedData.John}/context");
        var example = JsonDocument.Parse(LeadContextExample.Json).RootElement;

        Assert.Equal(Names(context), Names(example));
        Assert.Equal(Names(context.GetProperty("lead")), Names(example.GetProperty("lead")));
        Assert.Equal(Names(context.GetProperty("budget")), Names(example.GetProperty("budget")));
        Assert.Equal(Names(context.GetProperty("messages")[0]), Names(example.GetProperty("messages")[0]));
        Assert.Equal(Names(context.GetProperty("channels").GetProperty("web")), Names(example.GetProperty("channels").GetProperty("web")));

        var openApi = await app.Client().GetJsonAsync("/openapi/v1.json");
        var documented = openApi.GetProperty("paths").GetProperty("/api/leads/{id}/context").GetProperty("get")
            .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("whatsapp", documented.GetProperty("current_channel").GetString());

        static IReadOnlyList<string> Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).Order().ToList();
    }
}
