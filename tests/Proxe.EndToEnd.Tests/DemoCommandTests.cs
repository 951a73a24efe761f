using Proxe.Database.Entities;
using Proxe.Cli;
using System.CommandLine;
using System.Text.RegularExpressions;
using Proxe.Cli.Demo;
using Xunit.Abstractions;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// <c>proxe demo</c> in-process against the hosted gateway and workers: the seed's three scenarios land as the seed
/// says, every run makes new leads, and refusals read clearly without echoing the key.
/// </summary>
public sealed partial class DemoCommandTests(EndToEndHost host, ITestOutputHelper log) : IClassFixture<EndToEndHost>
{
    [Fact]
    public async Task Each_run_posts_the_seed_scenarios_as_three_new_leads()
    {
        var brand = host.Brand("proxe1");
        string[] args = ["--key", brand.ApiKey, "--brand", brand.Name, "--db", host.Database.ConnectionStringFor("proxe_reader"), "--timeout", "30"];

        var first = await RunAsync(host.Client, args);
        Assert.True(first.ExitCode == 0, first.ToString());
        var firstPhones = StoredPhones(first.Output);
        await AssertSeedLeadsAsync(firstPhones);

        var second = await RunAsync(host.Client, args);
        Assert.True(second.ExitCode == 0, second.ToString());
        var secondPhones = StoredPhones(second.Output);
        await AssertSeedLeadsAsync(secondPhones);

        Assert.Empty(firstPhones.Values.Intersect(secondPhones.Values));
        var leads = await host.UnifiedLeadsAsync(brand);
        Assert.Equal(6, leads.Count);
        Assert.Equal(firstPhones.Values.Concat(secondPhones.Values).Order(), leads.Select(l => l.Phone).Order());

        foreach (var run in new[] { first, second })
        {
            Assert.Equal(16, AcceptedStep().Matches(run.Output).Count);
            Assert.Contains($"SELECT * FROM unified_leads WHERE brand = 'proxe1' AND phone = '{StoredPhones(run.Output)[3]}';", run.Output);
            Assert.Contains("FROM messages WHERE lead_id = (SELECT id FROM unified_leads", run.Output);
            Assert.Contains(DemoCommand.DefaultDashboard, run.Output);
            Assert.Equal(3, run.Output.Split('\n').Count(line => line.TrimEnd().EndsWith("as expected", StringComparison.Ordinal)));
            Assert.DoesNotContain(brand.ApiKey, run.Output + run.Error);
        }

        async Task AssertSeedLeadsAsync(IReadOnlyDictionary<int, string> phones)
        {
            var byPhone = (await host.UnifiedLeadsAsync(brand)).ToDictionary(l => l.Phone!);
            Assert.Equal(("whatsapp", "whatsapp", "whatsapp"), Touchpoints(byPhone[phones[1]]));
            Assert.Equal(("web", "whatsapp", "web,whatsapp"), Touchpoints(byPhone[phones[2]]));
            Assert.Equal(("voice", "whatsapp", "voice,web,whatsapp"), Touchpoints(byPhone[phones[3]]));

            var journey = await host.JourneyAsync(byPhone[phones[3]].Id);
            Assert.Equal(
                ["voice/system", "voice/customer", "voice/agent", "voice/system", "web/customer", "web/agent", "whatsapp/customer", "whatsapp/agent"],
                journey.Select(m => $"{m.Channel}/{m.Sender}"));
        }
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_a_clear_message_and_never_printed()
    {
        var brand = host.Brand("refused");

        var result = await RunAsync(host.Client, "--key", "not-the-demo-key", "--brand", brand.Name);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("The gateway refused the key (401 Unauthorized)", result.Error);
        Assert.Contains(DemoCommand.ApiKeyVariable, result.Error);
        Assert.DoesNotContain("not-the-demo-key", result.Output + result.Error);
        Assert.Empty(await host.UnifiedLeadsAsync(brand));
    }

    [Fact]
    public async Task A_refused_body_lists_each_field_of_the_problem_details()
    {
        var brand = host.Brand("refused");
        var step = DemoScenarios.Create(brand.Name, "000001", DateTimeOffset.UtcNow)[0].Steps[0];
        var gateway = new DemoGateway(host.Client, brand.ApiKey);

        var refused = await Assert.ThrowsAsync<CliException>(() =>
            gateway.PostAsync(step with { OccurredAt = DateTimeOffset.UtcNow.AddHours(1), Customer = new() }, CancellationToken.None));

        Assert.StartsWith($"The gateway refused whatsapp event {step.ExternalEventId} (400 Bad Request):", refused.Message);
        Assert.Contains("  occurred_at: Must not be more than 5 minutes in the future.", refused.Message);
        Assert.Contains("  customer: At least one identity is required", refused.Message);
    }

    [Fact]
    public async Task An_unreachable_gateway_is_named()
    {
        var result = await RunAsync(null, "--gateway", "http://127.0.0.1:1", "--key", "any-key");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Cannot reach the gateway at http://127.0.0.1:1/", result.Error);
        Assert.Contains("./run.sh", result.Error);
    }

    static (string First, string Last, string MetadataChannels) Touchpoints(UnifiedLead lead) =>
        (lead.FirstTouchpoint, lead.LastTouchpoint, string.Join(",", lead.MetadataChannels()));

    /// <summary>The normalized phone each scenario printed, by scenario number.</summary>
    static Dictionary<int, string> StoredPhones(string output) =>
        ScenarioLine().Matches(output).ToDictionary(m => int.Parse(m.Groups[1].Value), m => m.Groups[2].Value);

    [GeneratedRegex(@"^Scenario (\d): .*\(stored as (\d+)\)\s*$", RegexOptions.Multiline)]
    private static partial Regex ScenarioLine();

    [GeneratedRegex(@"  202 [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*$", RegexOptions.Multiline)]
    private static partial Regex AcceptedStep();

    async Task<DemoResult> RunAsync(HttpClient? gateway, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { DemoCommand.Create(gateway) };
        var exitCode = await root.Parse(["demo", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        var result = new DemoResult(exitCode, output.ToString(), error.ToString());
        log.WriteLine(result.ToString());
        return result;
    }

    sealed record DemoResult(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}{Environment.NewLine}{Output}{Environment.NewLine}{Error}";
    }
}
