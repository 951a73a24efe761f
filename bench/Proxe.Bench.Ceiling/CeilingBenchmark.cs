using Npgsql;
using Proxe.Bench.Workload;

namespace Proxe.Bench.Ceiling;

public sealed record CeilingSettings(string AdminConnectionString, IReadOnlyList<int> Levels, IReadOnlyList<bool> JourneyModes, IReadOnlyList<int> BatchSizes,
    string? NpgsqlSettings, bool Keep, WorkloadOptions Workload);

/// <summary>One fresh database per measurement, so every level starts from the same empty tables.</summary>
public static class CeilingBenchmark
{
    const string Brand = "demo";
    const string WarmUpBrand = "warmup";

    public static async Task<int> RunAsync(CeilingSettings settings, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var workload = Workload.Workload.Generate(BenchRun.New(), settings.Workload, now);
        var interactions = CeilingRun.AsGatewayPublishes(workload, Brand, now);
        // Brings the connection pool and the JIT up before the clock starts: tiered compilation moves hot code to its optimized
        // tier in the background, a moment after the calls; without this pause the first level measures the JIT as well.
        var warmUp = CeilingRun.AsGatewayPublishes(
            Workload.Workload.Generate(BenchRun.New(), settings.Workload with { Interactions = 1_500, Leads = 150 }, now), WarmUpBrand, now);

        Console.WriteLine($"{workload.Items.Count:N0} interactions ({workload.Distinct:N0} distinct) for {workload.LeadsUsed:N0} leads over " +
                          $"{string.Join(",", settings.Workload.Channels)}; {Environment.ProcessorCount} cores; one fresh database per line" +
                          (settings.NpgsqlSettings is null ? "" : $"; Npgsql: {settings.NpgsqlSettings}"));

        var results = new List<CeilingResult>();
        var failed = false;
        foreach (var batchSize in settings.BatchSizes)
        foreach (var withJourney in settings.JourneyModes)
        foreach (var level in settings.Levels)
        {
            await using var database = await BenchDatabase.CreateAsync(settings.AdminConnectionString, $"{(withJourney ? "j" : "c")}{level}b{batchSize}", settings.Keep, cancellationToken);
            var builder = new NpgsqlDataSourceBuilder(settings.NpgsqlSettings is null ? database.ConnectionString : $"{database.ConnectionString};{settings.NpgsqlSettings}");
            Proxe.Workers.Extensions.ConfigureDataSource(builder); // as the workers connect
            await using var dataSource = builder.Build();

            await CeilingRun.RunAsync(dataSource, warmUp, level, withJourney, batchSize, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var result = await CeilingRun.RunAsync(dataSource, interactions, level, withJourney, batchSize, cancellationToken);
            var problem = await CeilingRun.VerifyAsync(dataSource, Brand, workload.Distinct, withJourney, cancellationToken);
            failed |= problem is not null;
            results.Add(result);

            Console.WriteLine($"{Mode(withJourney),-22} batch {batchSize,4} concurrency {level,3}: {result.PerSecond,7:N0} interactions/s " +
                              $"({result.Interactions:N0} in {result.Seconds:0.0} s, {result.Retries} retries){(problem is null ? "" : $"  WRONG: {problem}")}");
            Console.WriteLine($"    {result.Cpu}");
            Console.WriteLine($"    CPU per interaction: postgresql {result.Cpu.MillisecondsPer("postgresql", result.Interactions):0.00} ms, " +
                              $"this process (the workers' code + Npgsql) {result.Cpu.MillisecondsPer("bench", result.Interactions):0.00} ms");
        }

        Console.WriteLine();
        Console.WriteLine($"| batch | concurrency | {string.Join(" | ", settings.JourneyModes.Select(mode => $"{Mode(mode)} | PG ms/interaction | other jobs (cores)"))} |");
        Console.WriteLine($"|---:|---:|{string.Concat(settings.JourneyModes.Select(_ => "---:|---:|---:|"))}");
        foreach (var batchSize in settings.BatchSizes)
        foreach (var level in settings.Levels)
            Console.WriteLine($"| {batchSize} | {level} | {string.Join(" | ", settings.JourneyModes.Select(mode =>
                Row(results.Single(r => r.Concurrency == level && r.WithJourney == mode && r.BatchSize == batchSize))))} |");
        return failed ? 1 : 0;
    }

    static string Row(CeilingResult result) =>
        $"{result.PerSecond:N0}/s | {result.Cpu.MillisecondsPer("postgresql", result.Interactions):0.00} | {result.Cpu.OtherCores:0.00}";

    static string Mode(bool withJourney) => withJourney ? "channel + journey txs" : "channel tx";
}
