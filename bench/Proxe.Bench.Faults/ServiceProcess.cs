using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Proxe.Bench.Faults;

/// <summary>
/// A PROXe service (gateway or workers) run from its Release output as a child process, configured only through
/// environment variables, its output appended to a log file. Kill sends SIGKILL, as `kill -9` does.
/// </summary>
public sealed class ServiceProcess(string name, string projectDirectory, string dll, int port, IReadOnlyDictionary<string, string> environment, string logPath)
    : IAsyncDisposable
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };
    Process? _process;
    StreamWriter? _log;

    public string Name => name;
    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{port}");
    public int? Pid => _process is { HasExited: false } process ? process.Id : null;

    public void Start()
    {
        if (_process is { HasExited: false })
            throw new InvalidOperationException($"{name} is already running.");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = projectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        _log ??= new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        _log.WriteLine($"---- {DateTimeOffset.UtcNow:O} starting {name}");
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => WriteLog(line.Data);
        process.ErrorDataReceived += (_, line) => WriteLog(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    void WriteLog(string? line)
    {
        if (line is null)
            return;
        lock (this)
            _log?.WriteLine(line);
    }

    /// <summary>SIGKILL, then proof that the process is gone: its exit code says it died of signal 9.</summary>
    public async Task<string> KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{name} was never started.");
        if (process.HasExited)
            throw new FaultNotCausedException($"{name} had already exited (code {process.ExitCode}) before the kill.");
        var pid = process.Id;
        process.Kill(entireProcessTree: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(timeout.Token);
        WriteLog($"---- {DateTimeOffset.UtcNow:O} killed with SIGKILL (exit code {process.ExitCode})");
        if (process.ExitCode != 128 + 9)
            throw new FaultNotCausedException($"{name} (pid {pid}) exited with {process.ExitCode}, not 137 (SIGKILL).");
        return $"{name} pid {pid} killed (exit 137)";
    }

    /// <summary>The running process's peak resident memory (VmHWM); null when it is not running.</summary>
    public long? PeakMemoryBytes()
    {
        if (Pid is not { } pid)
            return null;
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null; // it exited meanwhile
        }
    }

    /// <summary>Polls /health/{kind} until it answers 200; false after the timeout.</summary>
    public async Task<bool> WaitHealthyAsync(string kind, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var until = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < until)
        {
            if (_process is { HasExited: true } exited)
                throw new InvalidOperationException($"{name} exited with code {exited.ExitCode} while starting; see {logPath}.");
            if (await HealthAsync(kind, cancellationToken) == HttpStatusCode.OK)
                return true;
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
        return false;
    }

    public async Task<HttpStatusCode?> HealthAsync(string kind, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(BaseAddress, $"/health/{kind}"), cancellationToken);
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The body of /health/ready (readiness details), empty when it does not answer.</summary>
    public async Task<string> ReadinessAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Http.GetStringAsync(new Uri(BaseAddress, "/health/ready"), cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is not null)
        {
            return $"HTTP {(int)ex.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        lock (this)
        {
            _log?.Dispose();
            _log = null;
        }
    }
}

/// <summary>The fault did not happen as intended (nothing died, the broker stayed up): the run cannot pass.</summary>
public sealed class FaultNotCausedException(string message) : Exception(message);

/// <summary>The fault happened and the stack did not come through it as it must.</summary>
public sealed class FaultFailedException(string message) : Exception(message);
