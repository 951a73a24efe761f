extern alias gateway;
extern alias workers;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Proxe.Testing;
using GatewayProgram = gateway::Program;
using WorkersProgram = workers::Program;

namespace Proxe.Dashboard.Tests;

/// <summary>
/// The dashboard on a real port (Kestrel) over <see cref="SeedData"/>, the real gateway and workers writing into the same
/// database through RabbitMQ, and Debian's Chromium driven by Playwright. No browser is downloaded: Playwright's driver
/// ships inside its NuGet package, the browser is /usr/bin/chromium (deploy/local/start.sh installs it).
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string GatewayKey = "acme-browser-test-gateway-key-0123";

    private static readonly string[] ChromiumFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly string _profile = Path.Combine(Path.GetTempPath(), $"proxe-chromium-{Guid.NewGuid():N}");
    private WebApplicationFactory<Program>? _dashboard;
    private WebApplicationFactory<WorkersProgram>? _workers;
    private WebApplicationFactory<GatewayProgram>? _gateway;
    private IPlaywright? _playwright;
    private IBrowserContext? _browser;

    public PostgresDatabaseFixture Database { get; } = new();
    public RabbitMqFixture Broker { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Gateway { get; private set; } = null!;
    public IBrowserContext Browser => _browser ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Screenshots of every page the tests open; TestResults/ is git-ignored.</summary>
    public static string ScreenshotDirectory { get; } =
        Environment.GetEnvironmentVariable("PROXE_SCREENSHOTS") ?? Path.Combine(ProjectDirectory(), "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: deploy/local/start.sh (run by ./test.sh) installs Debian's chromium.");

        await Task.WhenAll(Database.InitializeAsync(), Broker.InitializeAsync());
        await SeedData.InsertAsync(Database.DataSource);

        _workers = new WebApplicationFactory<WorkersProgram>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Proxe", Database.ConnectionStringFor("proxe_ingest"));
            web.UseSetting("ConnectionStrings:RabbitMq", Broker.AmqpUri.ToString());
            web.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        await WaitUntilReadyAsync(_workers.CreateClient());

        _gateway = new WebApplicationFactory<GatewayProgram>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:RabbitMq", Broker.AmqpUri.ToString());
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.UseSetting("Proxe:Brands:acme:ApiKey", GatewayKey);
            web.UseSetting("Proxe:Brands:acme:DefaultRegion", "IN");
        });
        Gateway = _gateway.CreateClient();
        await WaitUntilReadyAsync(_gateway.CreateClient());

        _dashboard = new WebApplicationFactory<Program>().WithWebHostBuilder(web => DashboardApp.Configure(web, Database.ConnectionString));
        _dashboard.UseKestrel(0);
        _dashboard.StartServer();
        var address = _dashboard.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));

        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumFlags,
            BaseURL = BaseAddress.ToString(),
            AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_dashboard is not null)
            await _dashboard.DisposeAsync();
        if (_gateway is not null)
            await _gateway.DisposeAsync();
        if (_workers is not null)
            await _workers.DisposeAsync();
        await Broker.DisposeAsync();
        await Database.DisposeAsync();
        if (Directory.Exists(_profile))
            Directory.Delete(_profile, recursive: true);
    }

    /// <summary>A new tab of the same fresh profile, signed in with <paramref name="key"/> (sessionStorage is per tab).</summary>
    public async Task<IPage> SignInAsync(string key, ViewportSize? viewport = null)
    {
        var page = await Browser.NewPageAsync();
        if (viewport is not null)
            await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
        await page.GotoAsync("/");
        await page.GetByLabel("Key").FillAsync(key);
        await page.GetByLabel("Key").PressAsync("Enter");
        await page.Locator("#leads tbody tr").First.WaitForAsync();
        return page;
    }

    public HttpClient Api(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Proxe-Dashboard-Key", key);
        return client;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}.png"), FullPage = true });

    private static async Task WaitUntilReadyAsync(HttpClient client)
    {
        using (client)
        {
            await Poll.UntilAsync($"{client.BaseAddress} is ready",
                async () => (await client.GetAsync("/health/ready")).StatusCode == System.Net.HttpStatusCode.OK);
        }
    }

    private static string ProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Proxe.Dashboard.Tests.csproj")))
                return directory.FullName;
        }
        return AppContext.BaseDirectory;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "browser";
}
