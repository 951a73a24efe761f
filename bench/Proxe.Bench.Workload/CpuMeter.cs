using System.Globalization;

namespace Proxe.Bench.Workload;

/// <summary>
/// Where the CPU went during a measurement: CPU seconds of the PROXe services, PostgreSQL, RabbitMQ and this process,
/// read from /proc (Linux only; elsewhere nothing is reported). PostgreSQL and RabbitMQ are counted as a whole, so
/// anything else using them at the same time is counted too.
/// </summary>
public sealed class CpuMeter
{
    const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux architecture .NET runs on

    static readonly (string Name, Func<int, string, string, bool> Matches)[] Groups =
    [
        ("bench", (pid, _, _) => pid == Environment.ProcessId),
        ("gateway", (_, _, cmdline) => cmdline.Contains("Proxe.Gateway.dll", StringComparison.Ordinal)),
        ("workers", (_, _, cmdline) => cmdline.Contains("Proxe.Workers.dll", StringComparison.Ordinal)),
        ("postgresql", (_, comm, _) => comm == "postgres"),
        ("rabbitmq", (_, comm, _) => comm == "beam.smp"),
    ];

    readonly Dictionary<int, (string Group, long Ticks)> _start;
    readonly (long Busy, long Total) _machineStart;
    readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    CpuMeter()
    {
        _start = ReadProcesses();
        _machineStart = ReadMachine();
    }

    public static CpuMeter Start() => new();

    /// <summary>Average cores used per group since <see cref="Start"/>, and the whole machine's busy share.</summary>
    public CpuReport Stop()
    {
        var elapsed = (DateTimeOffset.UtcNow - _startedAt).TotalSeconds;
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (pid, (group, ticks)) in ReadProcesses())
        {
            var before = _start.TryGetValue(pid, out var started) ? started.Ticks : 0;
            seconds[group] = seconds.GetValueOrDefault(group) + (ticks - before) / TicksPerSecond;
        }

        var machine = ReadMachine();
        var total = machine.Total - _machineStart.Total;
        var busy = total == 0 ? 0 : (double)(machine.Busy - _machineStart.Busy) / total;
        return new CpuReport(elapsed, Environment.ProcessorCount, busy,
            Groups.Select(g => new CpuUse(g.Name, seconds.GetValueOrDefault(g.Name), elapsed <= 0 ? 0 : seconds.GetValueOrDefault(g.Name) / elapsed)).ToList());
    }

    static Dictionary<int, (string Group, long Ticks)> ReadProcesses()
    {
        var result = new Dictionary<int, (string, long)>();
        if (!OperatingSystem.IsLinux())
            return result;

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                var comm = File.ReadAllText(Path.Combine(directory, "comm")).Trim();
                var cmdline = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var group = Groups.FirstOrDefault(g => g.Matches(pid, comm, cmdline)).Name;
                if (group is null)
                    continue;

                // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                result[pid] = (group, long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return result;
    }

    static (long Busy, long Total) ReadMachine()
    {
        if (!OperatingSystem.IsLinux())
            return (0, 0);
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(value => long.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        var idle = cpu[3] + cpu[4]; // idle + iowait
        var total = cpu.Take(8).Sum(); // user nice system idle iowait irq softirq steal
        return (total - idle, total);
    }
}

public sealed record CpuUse(string Group, double Seconds, double Cores);

public sealed record CpuReport(double ElapsedSeconds, int Cores, double MachineBusy, IReadOnlyList<CpuUse> Groups)
{
    /// <summary>CPU milliseconds a group spent per unit of work: steadier than a rate when other jobs share the machine.</summary>
    public double MillisecondsPer(string group, long count) =>
        count == 0 ? 0 : Groups.Where(g => g.Group == group).Sum(g => g.Seconds) * 1000 / count;

    /// <summary>Cores busy with anything not in a group: other builds and tests on a shared machine.</summary>
    public double OtherCores => Math.Max(0, MachineBusy * Cores - Groups.Sum(g => g.Cores));

    public override string ToString()
    {
        if (!OperatingSystem.IsLinux())
            return "CPU: not measured (reads /proc, Linux only)";
        var groups = string.Join("  ", Groups.Where(g => g.Seconds > 0).Select(g => $"{g.Group} {g.Cores:0.00}"));
        var other = OtherCores;
        return $"CPU over {ElapsedSeconds:0.0} s, in cores used on average (machine has {Cores}): {groups}  other {other:0.00}  | machine busy {MachineBusy:P0}";
    }
}
