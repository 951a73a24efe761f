extern alias dashboard;

using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Proxe.Database;
using dashboard::Proxe.Dashboard.Data;
using dashboard::Proxe.Dashboard.Leads;
using dashboard::Proxe.Dashboard.Stats;
using DashboardProgram = dashboard::Program;

namespace Proxe.Bench.Dashboard;

/// <summary>
/// The real dashboard on Kestrel (loopback HTTP, reading as proxe_reader under row-level security, brand "bench"),
/// timed one request at a time per endpoint, then the export's rows/s, then EXPLAIN ANALYZE of each query it sends.
/// </summary>
public sealed class DashboardBench(string connectionString, int leads, int requests, int warmup) : IAsyncDisposable
{
    public const string Key = "bench-dashboard-key-0123456789";
    public const double TargetP95Ms = 50;
    public const double TargetExportRowsPerSecond = 50_000;

    private readonly Random _random = new(20_261_202);
    private WebApplicationFactory<DashboardProgram>? _factory;
    private HttpClient _client = null!;

    public async Task StartAsync()
    {
        // WebApplicationFactory finds a test project's app through a manifest; a console program names it here.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_PROXE_DASHBOARD", DashboardDirectory());
        _factory = new WebApplicationFactory<DashboardProgram>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("ConnectionStrings:Proxe", connectionString);
            web.UseSetting("Proxe:Dashboard:Users:bench-team:Key", Key);
            web.UseSetting("Proxe:Dashboard:Users:bench-team:Brands:0", DataGenerator.Brand);
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            // A free port: UseKestrel(0) fell back to 5000, taken on a shared machine.
            web.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        });
        _factory.UseKestrel();
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1")) };
        _client.DefaultRequestHeaders.Add("X-Proxe-Dashboard-Key", Key);
        using var ready = await _client.GetAsync("/health/ready");
        ready.EnsureSuccessStatusCode();
    }

    /// <summary>A bench-brand lead (every tenth lead belongs to the other brand).</summary>
    private int BenchLead()
    {
        var lead = _random.Next(1, leads + 1);
        return lead % 10 == 0 ? Math.Max(1, lead - 1) : lead;
    }

    public IReadOnlyList<(string Name, Func<string> Url)> Endpoints()
    {
        var end = DataGenerator.Start.AddDays(365);
        var month = $"from={end.AddDays(-30):yyyy-MM-dd}&to={end:yyyy-MM-dd}";
        var year = $"from={DataGenerator.Start:yyyy-MM-dd}&to={end:yyyy-MM-dd}";
        return
        [
            ("list (first page, 50)", () => "/api/leads"),
            ("list (channel=voice, cross_channel)", () => "/api/leads?channel=voice&cross_channel=true"),
            ("phone search (+91 9xxxx xxxxx)", () =>
            {
                var phone = DataGenerator.PhoneOf(BenchLead());
                return $"/api/leads?phone={Uri.EscapeDataString($"+{phone[..2]} {phone[2..7]} {phone[7..]}")}";
            }),
            ("lead detail", () => $"/api/leads/{DataGenerator.IdOf(BenchLead())}"),
            ("timeline (messages)", () => $"/api/leads/{DataGenerator.IdOf(BenchLead())}/messages"),
            ("context", () => $"/api/leads/{DataGenerator.IdOf(BenchLead())}/context"),
            ("stats first-touchpoints (all time)", () => "/api/stats/first-touchpoints"),
            ("stats journeys (30 days)", () => $"/api/stats/journeys?{month}"),
            ("stats journeys (365 days)", () => $"/api/stats/journeys?{year}"),
            ("stats leads by day (30 days)", () => $"/api/stats/leads?{month}&interval=day"),
            ("stats leads by week (365 days)", () => $"/api/stats/leads?{year}&interval=week"),
            ("stats conversions web→whatsapp", () => "/api/stats/conversions?from=web&to=whatsapp"),
            ("changes (live poll)", () => "/api/changes"),
        ];
    }

    public async Task<IReadOnlyList<(string Name, double P50, double P95, double P99, double Max)>> MeasureAsync(CancellationToken cancellationToken)
    {
        var results = new List<(string, double, double, double, double)>();
        foreach (var (name, url) in Endpoints())
        {
            for (var i = 0; i < warmup; i++)
                await GetAsync(url(), cancellationToken);
            var times = new List<double>(requests);
            for (var i = 0; i < requests; i++)
            {
                var target = url();
                var clock = Stopwatch.StartNew();
                await GetAsync(target, cancellationToken);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            results.Add((name, Percentile(times, 0.50), Percentile(times, 0.95), Percentile(times, 0.99), times[^1]));
            Console.Error.WriteLine($"  measured {name}: p95 {results[^1].Item3:F1} ms");
        }
        return results;
    }

    public async Task<(long Rows, double Seconds, long Bytes)> ExportAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var response = await _client.GetAsync("/api/leads/export.csv", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body);
        long rows = -1, bytes = 0; // the header is not a lead
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            rows++;
            bytes += line.Length + 2;
        }
        return (rows, clock.Elapsed.TotalSeconds, bytes);
    }

    /// <summary>EXPLAIN (ANALYZE, BUFFERS) of the SQL the endpoints send, run as the dashboard runs it: proxe_reader, brand "bench".</summary>
    public async Task ExplainAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var database = _factory!.Services.GetRequiredService<ReaderDatabase>();
        var lead = DataGenerator.IdOf(BenchLead());
        var phone = DataGenerator.PhoneOf(BenchLead());
        var end = DataGenerator.Start.AddDays(365);
        var monthStart = end.AddDays(-30);

        (string Name, Func<ProxeDbContext, IQueryable> Query)[] queries =
        [
            ("list", db => LeadQueries.List(db, new LeadFilter())),
            ("list channel=voice cross_channel", db => LeadQueries.List(db, new LeadFilter(Channel: "voice", CrossChannel: true))),
            ("phone search", db => LeadQueries.List(db, new LeadFilter(Phone: phone))),
            ("lead detail", db => LeadQueries.Detail(db, lead)),
            ("timeline", db => LeadQueries.Messages(db, lead, null, null, 100)),
            ("context: lead and channels", db => LeadContextEndpoint.LeadWithChannels(db, lead)),
            ("context: newest messages", db => LeadContextEndpoint.NewestMessages(db, lead, 21)),
            ("stats first-touchpoints", StatsQueries.FirstTouchpoints),
            ("stats conversions web→whatsapp: count", db => StatsQueries.Conversions(db, "web", "whatsapp")),
            ("stats journeys: paths (30 days)", db => StatsQueries.JourneyPaths(db, monthStart, end, 20)),
            ("stats journeys: first/last (30 days)", db => StatsQueries.FirstLast(db, monthStart, end)),
            ("stats leads: new per day (30 days)", db => StatsQueries.NewLeads(db, monthStart, end, "day")),
            ("stats leads: active per day (30 days)", db => StatsQueries.ActiveLeads(db, monthStart, end, "day")),
            ("stats leads: active per week (365 days)", db => StatsQueries.ActiveLeads(db, DataGenerator.Start, end, "week")),
            ("stats leads: distinct active (365 days)", db => StatsQueries.ActiveTotals(db, DataGenerator.Start, end)),
            ("export", db => LeadExport.Rows(db, new LeadFilter())),
        ];

        foreach (var (name, query) in queries)
        {
            // The command EF Core sends for the endpoint's query, parameters included, behind EXPLAIN.
            var plan = await database.ReadAsync([DataGenerator.Brand], async db =>
            {
                await using var command = query(db).CreateDbCommand();
                command.CommandText = "EXPLAIN (ANALYZE, BUFFERS) " + command.CommandText;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var lines = new List<string>();
                while (await reader.ReadAsync(cancellationToken))
                    lines.Add(reader.GetString(0));
                return lines;
            }, cancellationToken);
            var indexes = plan.Where(l => l.Contains("Index", StringComparison.Ordinal))
                .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"using (\w+)").Groups[1].Value).Where(i => i.Length > 0).Distinct();
            var seqScans = plan.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"Seq Scan on (\w+)").Groups[1].Value).Where(t => t.Length > 0).Distinct().ToList();
            output.WriteLine($"-- {name}: indexes {string.Join(", ", indexes)}{(seqScans.Count > 0 ? $"; seq scans: {string.Join(", ", seqScans)}" : "")}");
            foreach (var line in plan)
                output.WriteLine("   " + line);
            output.WriteLine();
        }
    }

    private async Task GetAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(url, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {url} → {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
    }

    private static string DashboardDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Proxe.Dashboard");
            if (Directory.Exists(candidate))
                return candidate;
        }
        return AppContext.BaseDirectory;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_factory is not null)
            await _factory.DisposeAsync();
    }
}
