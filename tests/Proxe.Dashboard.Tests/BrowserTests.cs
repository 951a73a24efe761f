using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Proxe.Dashboard.Tests;

/// <summary>The page in Debian's Chromium, on two brands of seeded data, with the real pipeline behind it.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class BrowserTests(BrowserApp app)
{
    private static readonly string[] JohnsMessages = ["web-1", "web-2", "wamid.1", "wamid.2"];

    [Fact]
    public async Task Sign_in_find_a_phone_written_differently_and_see_the_journey_and_messages_in_provider_time_order()
    {
        var page = await app.SignInAsync(DashboardApp.AcmeKey);
        await BrowserApp.ScreenshotAsync(page, "1-leads");

        // Stored as 919876543210.
        await page.GetByLabel("Phone").FillAsync("+91 (98765) 43210");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("#leads tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#leads tbody tr")).ToContainTextAsync("John Doe");
        await Assertions.Expect(page.Locator("#leads tbody tr")).ToContainTextAsync("Started on Web, now on WhatsApp");

        await page.GetByRole(AriaRole.Button, new() { Name = "John Doe" }).ClickAsync();
        await Assertions.Expect(page.Locator("#timeline li")).ToHaveCountAsync(4);
        Assert.Equal(JohnsMessages, await page.Locator("#timeline li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.externalId)"));
        Assert.Equal(JohnsMessages, await page.Locator("#journey-timeline circle").EvaluateAllAsync<string[]>("dots => dots.map(d => d.dataset.externalId)"));
        Assert.Equal(["web", "whatsapp"], await page.Locator("#journey-timeline .lane").EvaluateAllAsync<string[]>("lanes => lanes.map(l => l.dataset.channel)"));

        // Dots run left to right in provider time.
        var xs = await page.Locator("#journey-timeline circle").EvaluateAllAsync<double[]>("dots => dots.map(d => Number(d.getAttribute('cx')))");
        Assert.Equal(xs.Order(), xs);
        Assert.True(xs[^1] > xs[0]);

        // First seen is the first interaction (10:00:00), not the row's creation (10:00:05).
        var firstSeen = await page.EvaluateAsync<string>("() => new Date('2025-01-01T10:00:00Z').toLocaleString()");
        await Assertions.Expect(page.Locator("#detail-facts")).ToContainTextAsync(firstSeen);
        await BrowserApp.ScreenshotAsync(page, "2-lead-detail");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_charts_show_the_numbers_the_api_gives()
    {
        var page = await app.SignInAsync(DashboardApp.AgencyKey);
        await page.Locator("#range-from").FillAsync("2025-01-01");
        await page.Locator("#range-to").FillAsync("2025-02-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.Locator("#range-label")).ToContainTextAsync("2025-01-01");

        using var api = app.Api(DashboardApp.AgencyKey);
        var first = await api.GetFromJsonAsync<JsonElement>("/api/stats/first-touchpoints");
        var journeys = await api.GetFromJsonAsync<JsonElement>("/api/stats/journeys?from=2025-01-01&to=2025-02-01&limit=8");

        var expectedFirst = first.GetProperty("channels").EnumerateArray()
            .Select(c => $"{c.GetProperty("first_touchpoint").GetString()}={c.GetProperty("count").GetInt32()}").ToList();
        Assert.Equal(expectedFirst, await Bars(page, "#chart-first"));
        Assert.Equal(["web=2", "whatsapp=1", "voice=2", "social=1"], expectedFirst);

        var expectedPaths = journeys.GetProperty("paths").EnumerateArray()
            .Select(p => $"{string.Join(">", p.GetProperty("path").Strings())}={p.GetProperty("count").GetInt32()}").ToList();
        Assert.Equal(expectedPaths, await Bars(page, "#chart-journeys"));
        Assert.Equal("web>whatsapp=2", expectedPaths[0]);
        await BrowserApp.ScreenshotAsync(page, "3-charts");
        await page.CloseAsync();

        static Task<string[]> Bars(IPage page, string chart) =>
            page.Locator($"{chart} g.bar").EvaluateAllAsync<string[]>("bars => bars.map(b => `${b.dataset.key}=${b.dataset.count}`)");
    }

    [Fact]
    public async Task Another_brands_lead_stays_invisible()
    {
        var page = await app.SignInAsync(DashboardApp.AcmeKey);

        // The same phone exists in globex: acme's key finds only its own John.
        await page.GetByLabel("Phone").FillAsync("919876543210");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("#leads tbody tr")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "John Doe" }).ClickAsync();
        await Assertions.Expect(page.Locator("#timeline li")).ToHaveCountAsync(4);

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Assertions.Expect(page.Locator("#leads tbody tr")).ToHaveCountAsync(4);
        var text = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("John Globex", text);
        Assert.DoesNotContain("Caller", text);
        Assert.DoesNotContain(SeedData.GlobexSecret, text);
        await Assertions.Expect(page.Locator("#brand")).ToBeHiddenAsync(); // one brand: nothing to switch to

        // Asking the API for the other brand's lead from this page answers 404.
        var status = await page.EvaluateAsync<int>($$"""
            async () => (await fetch('/api/leads/{{SeedData.GlobexJohn}}', { headers: { 'X-Proxe-Dashboard-Key': sessionStorage.getItem('proxe.dashboardKey') } })).status
            """);
        Assert.Equal((int)HttpStatusCode.NotFound, status);
        await BrowserApp.ScreenshotAsync(page, "4-brand-isolation");
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_whatsapp_message_posted_through_the_gateway_appears_without_a_reload()
    {
        var page = await app.SignInAsync(DashboardApp.AcmeKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Priya Sharma" }).ClickAsync();
        await Assertions.Expect(page.Locator("#timeline li")).ToHaveCountAsync(1);
        await page.EvaluateAsync("() => { window.proxeSamePage = true; }");

        var externalId = $"wamid.live-{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/interactions")
        {
            Content = JsonContent.Create(new
            {
                channel = "whatsapp",
                external_event_id = externalId,
                occurred_at = "2025-01-02T12:05:00Z",
                customer = new { name = "Priya Sharma", phone = "098111 11111" },
                session_key = "919811111111",
                message = new { sender = "customer", content = "Is the 3BHK still available?" },
            }),
        };
        request.Headers.Add("X-Proxe-Key", BrowserApp.GatewayKey);
        using var posted = await app.Gateway.SendAsync(request);
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());

        // The page polls /api/changes; the message shows up in the open lead, after the older one.
        var item = page.Locator($"#timeline li[data-external-id='{externalId}']");
        await Assertions.Expect(item).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(item).ToContainTextAsync("Is the 3BHK still available?");
        Assert.Equal(["wamid.3", externalId], await page.Locator("#timeline li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.externalId)"));
        await Assertions.Expect(page.Locator("#journey-timeline circle")).ToHaveCountAsync(2);
        Assert.True(await page.EvaluateAsync<bool>("() => window.proxeSamePage === true"), "The page was reloaded.");
        await Assertions.Expect(page.Locator("#live")).ToContainTextAsync("Updated");
        await BrowserApp.ScreenshotAsync(page, "5-live-update");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_csv_download_holds_the_current_filter()
    {
        var page = await app.SignInAsync(DashboardApp.AcmeKey);
        await page.GetByLabel("Used channel").SelectOptionAsync("web");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("#leads tbody tr")).ToHaveCountAsync(2);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        var path = Path.Combine(BrowserApp.ScreenshotDirectory, "leads-channel-web.csv");
        await download.SaveAsAsync(path);

        var lines = (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("id,brand,name", lines[0]);
        Assert.Equal([SeedData.Ravi, SeedData.John], lines.Skip(1).Select(l => Guid.Parse(l.Split(',')[0])));
        Assert.EndsWith(".csv", download.SuggestedFilename);
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_page_is_usable_at_phone_width_and_from_the_keyboard_alone()
    {
        var page = await app.SignInAsync(DashboardApp.AcmeKey, new ViewportSize { Width = 390, Height = 844 });

        var (scrollWidth, innerWidth) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"),
            await page.EvaluateAsync<int>("() => window.innerWidth"));
        Assert.True(scrollWidth <= innerWidth, $"The page scrolls sideways at phone width: {scrollWidth} > {innerWidth}.");
        await BrowserApp.ScreenshotAsync(page, "6-phone-width");

        // Tab to the first lead and open it with Enter.
        string? focused = null;
        for (var presses = 0; presses < 60 && focused != "link"; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            focused = await page.EvaluateAsync<string?>("() => document.activeElement?.className");
        }
        Assert.Equal("link", focused);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#detail")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#detail")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#detail-name")).ToHaveTextAsync("Ravi Kumar");
        await BrowserApp.ScreenshotAsync(page, "7-phone-lead");
        await page.CloseAsync();
    }

    [Fact]
    public async Task Channel_icons_are_svg_and_the_page_needs_no_emoji_font()
    {
        var page = await app.SignInAsync(DashboardApp.AcmeKey);

        var badges = page.Locator("#leads .badge");
        Assert.True(await badges.CountAsync() >= 4);
        Assert.All(await badges.EvaluateAllAsync<string[]>("bs => bs.map(b => b.querySelector('svg use')?.getAttribute('href') ?? '')"),
            href => Assert.Matches("^#icon-(web|whatsapp|voice|social)$", href));
        Assert.DoesNotMatch(Emoji(), await page.Locator("body").InnerTextAsync());
        await page.CloseAsync();
    }

    [GeneratedRegex(@"\p{Cs}|[\u2600-\u27BF]")]
    private static partial Regex Emoji();
}
