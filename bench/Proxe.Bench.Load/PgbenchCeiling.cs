using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Proxe.Bench.Load;

/// <summary>
/// Runs bench/pgbench-ceiling/pgbench-ceiling.sh against the server of --db (host, port, password from the connection
/// string; the script connects as postgres and recreates a database named bench) and reads its two figures.
/// </summary>
public static partial class PgbenchCeiling
{
    public sealed record Result(double Single, double SetBased)
    {
        public override string ToString() =>
            $"pgbench single-interaction {Single:N0}/s, set-based (100 per tx) {SetBased:N0}/s";
    }

    /// <summary>The script in the checkout: searched upwards from the current folder and from this program's folder.</summary>
    public static string? FindScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Path.Combine(dir.FullName, "bench", "pgbench-ceiling", "pgbench-ceiling.sh") is var path && File.Exists(path))
                    return path;
        return null;
    }

    public static async Task<Result?> RunAsync(string script, string connectionString, int seconds, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, connection.Host ?? "127.0.0.1", connection.Port.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        start.Environment["PGPASSWORD"] = connection.Password ?? Environment.GetEnvironmentVariable("PGPASSWORD") ?? "";
        start.Environment["T"] = seconds.ToString(CultureInfo.InvariantCulture);

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = await output;
        var single = Figure(SingleLine(), text);
        var setBased = Figure(SetBasedLine(), text);
        if (process.ExitCode != 0 || single is not > 0)
        {
            await Console.Error.WriteLineAsync($"pgbench ceiling (exit {process.ExitCode}; needs pgbench and psql on PATH): {text}{await errors}");
            return null;
        }
        return new Result(single.Value, setBased ?? 0);
    }

    static double? Figure(Regex pattern, string text) =>
        pattern.Match(text) is { Success: true } match ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"single-interaction transactions:\s*([0-9.]+)")]
    private static partial Regex SingleLine();

    [GeneratedRegex(@"set-based, 100 per transaction:\s*([0-9.]+)")]
    private static partial Regex SetBasedLine();
}
