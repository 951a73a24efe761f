using System.Diagnostics;
using Proxe.Domain;

namespace Proxe.Cli.Demo;

/// <summary>One demo run: post every scenario step by step, print the queries to look at the result, and with a database wait for it.</summary>
public static class DemoRun
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    const int PreviewLength = 48;

    public static async Task<int> RunAsync(DemoGateway gateway, DemoSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        await using var database = string.IsNullOrWhiteSpace(settings.Database) ? null : new DemoDatabase(settings.Database, settings.Brand);
        var (runId, scenarios) = await NewRunAsync(settings.Brand, database, cancellationToken);

        await output.WriteLineAsync($"PROXe demo, run {runId}: brand '{settings.Brand}', gateway {gateway.Address} (times in India, UTC+05:30)");
        foreach (var scenario in scenarios)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync($"Scenario {scenario.Number}: {scenario.Title}. {scenario.CustomerName}, {scenario.PhoneDisplay} (stored as {scenario.Phone})");
            string? previousChannel = null;
            for (var i = 0; i < scenario.Steps.Count; i++)
            {
                var step = scenario.Steps[i];
                if (previousChannel is not null && step.Channel != previousChannel)
                    await SettleAsync(database, scenario, previousChannel, settings, output, cancellationToken);

                var id = await gateway.PostAsync(step, cancellationToken);
                await output.WriteLineAsync(
                    $"  {i + 1}. {step.OccurredAt:yyyy-MM-dd HH:mm}  {step.Channel,-8}  {step.Message?.Sender,-8}  {Preview(step.Message?.Content),-(PreviewLength + 2)}  202 {id}");
                previousChannel = step.Channel;
            }
        }

        await PrintQueriesAsync(settings, scenarios, output);
        if (database is null)
            return ExitCodes.Success;

        await output.WriteLineAsync();
        await output.WriteAsync("Waiting for the workers to record everything:");
        var leads = await WaitAsync(database, scenarios, leads => scenarios.All(s => IsRecorded(s, leads.GetValueOrDefault(s.Phone))),
            "every interaction", settings.Timeout, output, cancellationToken);
        return await PrintLeadsAsync(scenarios, leads, output) ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>A fresh run id; with a database, one whose phones have no lead yet, so a run never extends an earlier one.</summary>
    static async Task<(string RunId, IReadOnlyList<DemoScenario> Scenarios)> NewRunAsync(string brand, DemoDatabase? database, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var runId = Random.Shared.Next(0, 1_000_000).ToString("D6");
            var scenarios = DemoScenarios.Create(brand, runId, DateTimeOffset.UtcNow);
            if (database is null || (await database.LeadsAsync(Phones(scenarios), cancellationToken)).Count == 0)
                return (runId, scenarios);
            if (attempt == 20)
                throw new CliException("Found no unused run id in 20 attempts: the demo phones are all taken.");
        }
    }

    /// <summary>
    /// Each channel has its own queue and worker, so a customer's next channel could overtake the first one and start
    /// the lead there. Customers take days between channels; the demo waits until the previous contact is recorded.
    /// </summary>
    static async Task SettleAsync(DemoDatabase? database, DemoScenario scenario, string previousChannel, DemoSettings settings,
        TextWriter output, CancellationToken cancellationToken)
    {
        if (database is null)
        {
            await output.WriteLineAsync($"     (pausing {DemoSettings.ChannelSwitchPause.TotalSeconds:0} s so the workers record the {previousChannel} contact first; --db waits exactly)");
            await Task.Delay(DemoSettings.ChannelSwitchPause, cancellationToken);
            return;
        }

        await output.WriteAsync($"     (waiting until the workers recorded the {previousChannel} contact:");
        await WaitAsync(database, [scenario], leads => leads.GetValueOrDefault(scenario.Phone)?.Channels.Contains(previousChannel) == true,
            $"the {previousChannel} contact of scenario {scenario.Number}", settings.Timeout, output, cancellationToken, closing: ")");
    }

    static async Task<IReadOnlyDictionary<string, DemoLead>> WaitAsync(DemoDatabase database, IReadOnlyList<DemoScenario> scenarios,
        Func<IReadOnlyDictionary<string, DemoLead>, bool> done, string what, TimeSpan timeout, TextWriter output, CancellationToken cancellationToken,
        string closing = "")
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var leads = await database.LeadsAsync(Phones(scenarios), cancellationToken);
            if (done(leads))
            {
                await output.WriteLineAsync($" done in {clock.Elapsed.TotalSeconds:0.0} s{closing}");
                return leads;
            }
            if (clock.Elapsed > timeout)
            {
                await output.WriteLineAsync($" gave up{closing}");
                var seen = scenarios.Select(s => $"  scenario {s.Number} ({s.Phone}): {Describe(s, leads.GetValueOrDefault(s.Phone))}");
                throw new CliException(
                    $"The workers had not recorded {what} after {timeout.TotalSeconds:0} s. Seen so far:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, seen) + Environment.NewLine +
                    "Are the workers running (their /health/ready)? Did messages fail (proxe dlq list)?");
            }
            await output.WriteAsync('.');
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>Every message stored, every channel in metadata, and the journey has taken in the newest event.</summary>
    static bool IsRecorded(DemoScenario scenario, DemoLead? lead) =>
        lead is not null
        && lead.Messages == scenario.MessageCount
        && lead.Channels.SequenceEqual(scenario.Channels)
        && lead.LastInteractionAt == scenario.LastOccurredAt;

    static string Describe(DemoScenario scenario, DemoLead? lead) => lead is null
        ? "no lead yet"
        : $"{lead.Messages} of {scenario.MessageCount} messages, channels {string.Join(", ", lead.Channels)}, " +
          $"last interaction {lead.LastInteractionAt:u} (expected {scenario.LastOccurredAt:u})";

    static async Task PrintQueriesAsync(DemoSettings settings, IReadOnlyList<DemoScenario> scenarios, TextWriter output)
    {
        var brand = Literal(settings.Brand);
        var journey = scenarios[^1];
        await output.WriteLineAsync();
        await output.WriteLineAsync("Look at the result in psql (the seed's queries; ./run.sh prints the connection):");
        await output.WriteLineAsync(
            $"  SELECT first_touchpoint, last_touchpoint, name, email, phone, metadata FROM unified_leads WHERE brand = {brand} AND phone IN ({string.Join(", ", scenarios.Select(s => Literal(s.Phone)))});");
        await output.WriteLineAsync($"  SELECT * FROM unified_leads WHERE brand = {brand} AND phone = {Literal(journey.Phone)};");
        await output.WriteLineAsync(
            $"  SELECT channel, sender, content, occurred_at FROM messages WHERE lead_id = (SELECT id FROM unified_leads WHERE brand = {brand} AND phone = {Literal(journey.Phone)}) ORDER BY occurred_at;");
        await output.WriteLineAsync($"Dashboard: {settings.Dashboard} (filter by phone; ./run.sh prints the dashboard key)");
    }

    /// <returns>False when a lead's touchpoints differ from the seed's.</returns>
    static async Task<bool> PrintLeadsAsync(IReadOnlyList<DemoScenario> scenarios, IReadOnlyDictionary<string, DemoLead> leads, TextWriter output)
    {
        string[] header = ["SCENARIO", "PHONE", "FIRST_TOUCHPOINT", "LAST_TOUCHPOINT", "NAME", "CHANNELS (metadata)", "MESSAGES", "SEED"];
        var rows = scenarios.Select(s => (Scenario: s, Lead: leads[s.Phone])).Select(r => new[]
        {
            r.Scenario.Number.ToString(), r.Lead.Phone, r.Lead.FirstTouchpoint, r.Lead.LastTouchpoint, r.Lead.Name ?? "", string.Join(", ", r.Lead.Channels),
            r.Lead.Messages.ToString(),
            Matches(r.Scenario, r.Lead) ? "as expected" : $"expected {r.Scenario.FirstTouchpoint} -> {r.Scenario.LastTouchpoint}",
        }).ToList();
        var widths = header.Select((title, column) => rows.Select(row => row[column].Length).Append(title.Length).Max()).ToArray();

        await output.WriteLineAsync();
        await output.WriteLineAsync("unified_leads:");
        foreach (var row in rows.Prepend(header))
            await output.WriteLineAsync("  " + string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        return scenarios.All(s => Matches(s, leads[s.Phone]));
    }

    static bool Matches(DemoScenario scenario, DemoLead lead) =>
        lead.FirstTouchpoint == scenario.FirstTouchpoint && lead.LastTouchpoint == scenario.LastTouchpoint;

    static string[] Phones(IReadOnlyList<DemoScenario> scenarios) => scenarios.Select(s => s.Phone).ToArray();

    static string Preview(string? content) => content is null ? "" : $"\"{Text.Truncate(content, PreviewLength)}\"";

    static string Literal(string value) => $"'{value.Replace("'", "''")}'";
}
