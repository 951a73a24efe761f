using System.CommandLine;
using System.Diagnostics;
using Npgsql;
using Proxe.Bench.Dashboard;
using Proxe.Database;

var db = new Option<string>("--db")
{
    Description = "Npgsql connection string of a superuser (creates the bench database). Default: $PROXE_TEST_POSTGRES.",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PROXE_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres",
};
var database = new Option<string>("--database") { Description = "The bench's own database.", DefaultValueFactory = _ => "proxe_dashbench" };
var leads = new Option<int>("--leads") { Description = "Leads to generate (90 % brand bench, 10 % brand other).", DefaultValueFactory = _ => 200_000 };
var messages = new Option<int>("--messages") { Description = "Messages to generate (an equal number per lead).", DefaultValueFactory = _ => 1_000_000 };
var requests = new Option<int>("--requests") { Description = "Timed requests per endpoint, one at a time.", DefaultValueFactory = _ => 300 };
var warmup = new Option<int>("--warmup") { Description = "Untimed requests per endpoint first.", DefaultValueFactory = _ => 30 };
var reuse = new Option<bool>("--reuse") { Description = "Use the database a previous --keep run left, without generating again." };
var keep = new Option<bool>("--keep") { Description = "Keep the database afterwards (default: drop it)." };
var explain = new Option<bool>("--no-explain") { Description = "Skip the EXPLAIN ANALYZE plans." };

var root = new RootCommand("PROXe dashboard benchmark: generated leads and messages in one database, each endpoint's latency, the export's rows/s, query plans.")
{
    db, database, leads, messages, requests, warmup, reuse, keep, explain,
};

root.SetAction(async (parse, cancellationToken) =>
{
    var admin = parse.GetValue(db)!;
    var name = parse.GetValue(database)!;
    var leadCount = parse.GetValue(leads);
    if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z_][a-z0-9_]*$") || leadCount < 10)
    {
        Console.Error.WriteLine("--database must be a plain lower-case name and --leads at least 10.");
        return 2;
    }

    var target = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    if (!parse.GetValue(reuse))
    {
        await AdminAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", cancellationToken);
        await AdminAsync(admin, $"CREATE DATABASE {name}", cancellationToken);
        await MigrationRunner.MigrateAsync(target, cancellationToken: cancellationToken);
        Console.WriteLine($"Generating {leadCount:N0} leads and {parse.GetValue(messages):N0} messages in {name}:");
        var clock = Stopwatch.StartNew();
        await using (var superuser = NpgsqlDataSource.Create(target))
            await DataGenerator.GenerateAsync(superuser, leadCount, parse.GetValue(messages), cancellationToken);
        Console.WriteLine($"  generated in {clock.Elapsed.TotalSeconds:F0} s");
    }

    try
    {
        // The dashboard logs in as the superuser here and still reads as proxe_reader (ReaderDatabase sets the role).
        await using var bench = new DashboardBench(target, leadCount, parse.GetValue(requests), parse.GetValue(warmup));
        await bench.StartAsync();

        Console.WriteLine();
        Console.WriteLine($"Latency, {parse.GetValue(requests)} sequential requests per endpoint over loopback HTTP (ms):");
        Console.WriteLine($"  {"endpoint",-40} {"p50",7} {"p95",7} {"p99",7} {"max",7}");
        var failed = false;
        foreach (var (endpoint, p50, p95, p99, max) in await bench.MeasureAsync(cancellationToken))
        {
            var ok = p95 < DashboardBench.TargetP95Ms;
            failed |= !ok;
            Console.WriteLine($"  {endpoint,-40} {p50,7:F1} {p95,7:F1} {p99,7:F1} {max,7:F1}  {(ok ? "ok" : "SLOW")}");
        }

        var (rows, seconds, bytes) = await bench.ExportAsync(cancellationToken);
        var rate = rows / seconds;
        failed |= rate < DashboardBench.TargetExportRowsPerSecond;
        Console.WriteLine();
        Console.WriteLine($"Export: {rows:N0} rows ({bytes / 1048576.0:F1} MiB) in {seconds:F2} s = {rate:N0} rows/s  {(rate >= DashboardBench.TargetExportRowsPerSecond ? "ok" : "SLOW")}");

        if (!parse.GetValue(explain))
        {
            Console.WriteLine();
            Console.WriteLine("Query plans (EXPLAIN (ANALYZE, BUFFERS), as proxe_reader for brand bench):");
            await bench.ExplainAsync(Console.Out, cancellationToken);
        }
        return failed ? 1 : 0;
    }
    finally
    {
        if (parse.GetValue(keep))
            Console.WriteLine($"Kept database {name} (run again with --reuse).");
        else
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", CancellationToken.None);
        }
    }
});

return await root.Parse(args).InvokeAsync();

static async Task AdminAsync(string admin, string sql, CancellationToken cancellationToken)
{
    var builder = new NpgsqlConnectionStringBuilder(admin) { Database = "postgres", Pooling = false };
    await using var connection = new NpgsqlConnection(builder.ConnectionString);
    await connection.OpenAsync(cancellationToken);
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync(cancellationToken);
}
