using System.Net;

namespace Proxe.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class LeadDetailTests(DashboardApp app)
{
    [Fact]
    public async Task A_lead_comes_with_its_sessions_per_channel_identities_and_journey()
    {
        var john = await app.Client(DashboardApp.AcmeKey).GetJsonAsync($"/api/leads/{SeedData.John}");

        Assert.Equal("John Doe", john.GetProperty("name").GetString());
        Assert.Equal(["web", "whatsapp"], john.GetProperty("journey").Strings());
        Assert.Equal(["web", "whatsapp"], john.GetProperty("unified_context").GetProperty("channels").Strings());

        var sessions = john.GetProperty("sessions");
        var web = Assert.Single(sessions.GetProperty("web").EnumerateArray());
        Assert.Equal("web-john-1", web.GetProperty("external_session_id").GetString());
        Assert.Equal("2025-01-10", web.GetProperty("booking_date").GetString());
        Assert.Equal("15:30:00", web.GetProperty("booking_time").GetString());
        var whatsapp = Assert.Single(sessions.GetProperty("whatsapp").EnumerateArray());
        Assert.Equal("Yes, see you on the 10th", whatsapp.GetProperty("last_message_preview").GetString());
        Assert.Empty(sessions.GetProperty("voice").EnumerateArray());
        Assert.Empty(sessions.GetProperty("social").EnumerateArray());

        var identities = john.GetProperty("identities").EnumerateArray()
            .Select(i => $"{i.GetProperty("kind").GetString()}:{i.GetProperty("value").GetString()}").Order();
        Assert.Equal(["email:john@example.com", "phone:919876543210", "web_visitor:web-john-1", "whatsapp:919876543210"], identities);
    }

    [Fact]
    public async Task Seed_scenario_3_voice_first_then_web_then_whatsapp()
    {
        var ravi = await app.Client(DashboardApp.AcmeKey).GetJsonAsync($"/api/leads/{SeedData.Ravi}");

        Assert.Equal("voice", ravi.GetProperty("first_touchpoint").GetString());
        Assert.Equal("whatsapp", ravi.GetProperty("last_touchpoint").GetString());
        Assert.Equal(["voice", "web", "whatsapp"], ravi.GetProperty("journey").Strings());
        Assert.Equal("CA-ravi-1", ravi.GetProperty("sessions").GetProperty("voice")[0].GetProperty("call_sid").GetString());
        Assert.Equal(95, ravi.GetProperty("metadata").GetProperty("voice").GetProperty("call_duration_seconds").GetInt32());
    }

    [Fact]
    public async Task Another_brands_lead_is_not_found_by_id_nor_by_its_messages()
    {
        var acme = app.Client(DashboardApp.AcmeKey);

        await acme.GetProblemAsync($"/api/leads/{SeedData.GlobexJohn}", HttpStatusCode.NotFound);
        await acme.GetProblemAsync($"/api/leads/{SeedData.GlobexJohn}/messages", HttpStatusCode.NotFound);
        await acme.GetProblemAsync($"/api/leads/{Guid.NewGuid()}", HttpStatusCode.NotFound);

        // The same lead is there for its own brand.
        var globex = await app.Client(DashboardApp.GlobexKey).GetJsonAsync($"/api/leads/{SeedData.GlobexJohn}");
        Assert.Equal("globex", globex.GetProperty("brand").GetString());
    }

    [Fact]
    public async Task Seed_query_conversation_history_is_ordered_by_time_across_channels()
    {
        var page = await app.Client(DashboardApp.AcmeKey).GetJsonAsync($"/api/leads/{SeedData.John}/messages");

        var messages = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["web-1", "web-2", "wamid.1", "wamid.2"], messages.Select(m => m.GetProperty("external_id").GetString()));
        Assert.Equal(["web", "web", "whatsapp", "whatsapp"], messages.Select(m => m.GetProperty("channel").GetString()));
        Assert.Equal(["customer", "agent", "customer", "agent"], messages.Select(m => m.GetProperty("sender").GetString()));
        Assert.Equal("Hi, I want to book a demo", messages[0].GetProperty("content").GetString());
        Assert.Equal("booking", messages[0].GetProperty("metadata").GetProperty("intent").GetString());
        Assert.Null(page.GetProperty("next_cursor").GetString());
    }

    [Fact]
    public async Task Messages_page_by_cursor()
    {
        var acme = app.Client(DashboardApp.AcmeKey);

        var first = await acme.GetJsonAsync($"/api/leads/{SeedData.John}/messages?limit=3");
        var cursor = first.GetProperty("next_cursor").GetString();
        Assert.NotNull(cursor);
        var second = await acme.GetJsonAsync($"/api/leads/{SeedData.John}/messages?limit=3&cursor={cursor}");

        Assert.Equal(["web-1", "web-2", "wamid.1"], first.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("external_id").GetString()));
        Assert.Equal(["wamid.2"], second.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("external_id").GetString()));
        Assert.Null(second.GetProperty("next_cursor").GetString());
    }
}
