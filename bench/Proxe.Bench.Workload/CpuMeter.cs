using System.Globalization;

namespace Proxe.Bench.Workload;

/// <summary>
/// Where the CPU went during a measurement: CPU seconds of the PROXe services, PostgreSQL, RabbitMQ and this process,
/// read from /proc (Linux only; elsewhere nothing is reported). PostgreSQL and RabbitMQ are counted as a whole, so
/// anything else using them at the same time is counted too. Given the ports they listen on, only those instances are
/// counted (PostgreSQL: the postmaster and its backends, those that ended during the measurement too; RabbitMQ: the
/// node's VM), not other stacks on the same machine.
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

    readonly Dictionary<int, (string Group, long Ticks, bool Reaped)> _start;
    readonly (long Busy, long Total) _machineStart;
    readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    readonly Dictionary<int, string> _owners;

    CpuMeter(Dictionary<int, string> owners)
    {
        _owners = owners;
        _start = ReadProcesses();
        _machineStart = ReadMachine();
    }

    /// <summary>Counts every process by name: Proxe.*.dll, postgres, beam.smp.</summary>
    public static CpuMeter Start() => new([]);

    /// <summary>Counts the processes listening on these ports (and their children), by name where a port is not given or not found.</summary>
    public static CpuMeter Start(CpuTargets targets)
    {
        var owners = new Dictionary<int, string>();
        var listeners = OperatingSystem.IsLinux() ? Listeners() : [];
        foreach (var (group, port) in new[] { ("gateway", targets.GatewayPort), ("workers", targets.WorkersPort), ("postgresql", targets.PostgresPort), ("rabbitmq", targets.RabbitMqPort) })
            if (port is { } p && listeners.TryGetValue(p, out var pid))
                owners[pid] = group;
        return new CpuMeter(owners);
    }

    /// <summary>Groups found by port rather than by name (for the report).</summary>
    public IReadOnlyCollection<string> GroupsByPort => _owners.Values;

    /// <summary>Average cores used per group since <see cref="Start"/>, and the whole machine's busy share.</summary>
    public CpuReport Stop()
    {
        var elapsed = (DateTimeOffset.UtcNow - _startedAt).TotalSeconds;
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        var now = ReadProcesses();
        foreach (var (pid, (group, ticks, _)) in now)
        {
            var before = _start.TryGetValue(pid, out var started) ? started.Ticks : 0;
            seconds[group] = seconds.GetValueOrDefault(group) + (ticks - before) / TicksPerSecond;
        }
        // A child that ended since is in its parent's children time with its whole life: what it had used before is not ours.
        foreach (var (pid, (group, ticks, reaped)) in _start)
            if (reaped && !now.ContainsKey(pid))
                seconds[group] = seconds.GetValueOrDefault(group) - ticks / TicksPerSecond;

        var machine = ReadMachine();
        var total = machine.Total - _machineStart.Total;
        var busy = total == 0 ? 0 : (double)(machine.Busy - _machineStart.Busy) / total;
        return new CpuReport(elapsed, Environment.ProcessorCount, busy,
            Groups.Select(g => new CpuUse(g.Name, seconds.GetValueOrDefault(g.Name), elapsed <= 0 ? 0 : seconds.GetValueOrDefault(g.Name) / elapsed)).ToList());
    }

    Dictionary<int, (string Group, long Ticks, bool Reaped)> ReadProcesses()
    {
        var result = new Dictionary<int, (string, long, bool)>();
        if (!OperatingSystem.IsLinux())
            return result;

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                // Fields after the parenthesised command name: state is field 3, ppid 4, utime 14, stime 15, and the
                // ended children's cutime 16 and cstime 17 (PostgreSQL's backends end, a connection at a time).
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                var group = _owners.GetValueOrDefault(pid) ?? _owners.GetValueOrDefault(parent);
                if (group is null)
                {
                    var comm = File.ReadAllText(Path.Combine(directory, "comm")).Trim();
                    var cmdline = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                    group = Groups.FirstOrDefault(g => g.Matches(pid, comm, cmdline) && (g.Name == "bench" || !_owners.ContainsValue(g.Name))).Name;
                }
                if (group is null)
                    continue;

                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                if (_owners.ContainsKey(pid))
                    ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
                result[pid] = (group, ticks, _owners.ContainsKey(parent));
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

    /// <summary>Listening TCP port → pid of the process holding the socket, from /proc/net/tcp{,6} and /proc/*/fd.</summary>
    static Dictionary<int, int> Listeners()
    {
        var portOfInode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
                continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 9 && columns[3] == "0A") // LISTEN
                    portOfInode[columns[9]] = int.Parse(columns[1][(columns[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }

        var result = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                foreach (var fd in Directory.EnumerateFiles(Path.Combine(directory, "fd")))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                        && portOfInode.TryGetValue(target[8..^1], out var port))
                        result.TryAdd(port, pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
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

/// <summary>Ports the measured services listen on; null: find the service by its process name.</summary>
public sealed record CpuTargets(int? GatewayPort, int? WorkersPort, int? PostgresPort, int? RabbitMqPort);

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
