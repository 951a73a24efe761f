using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;
using Proxe.Database;

namespace Proxe.Bench.Faults;

/// <summary>
/// The run's own PROXe: PostgreSQL and RabbitMQ started by deploy/local as a separate stack (its own ports, data
/// folder and node name, never the shared instances), a fresh database and vhost, and the gateway and workers from
/// this build's output as child processes. Disposing stops all of it.
/// </summary>
public sealed class FaultStack : IAsyncDisposable
{
    public const string Brand = "demo";
    public const string Vhost = "faults";
    public const string TwilioNumber = "+918047001234";

    readonly FaultSettings _settings;
    readonly string _root;
    readonly string _script;
    readonly string _appPassword = Token();
    bool _started;

    public string ApiKey { get; } = Token();
    public string TwilioAuthToken { get; } = Token();
    public string StateDirectory { get; }
    public string AdminConnectionString { get; }
    public Broker Broker { get; }
    public ServiceProcess Gateway { get; private set; } = null!;
    public ServiceProcess Workers { get; private set; } = null!;
    public Uri PublicBaseUrl => Gateway.BaseAddress;

    /// <summary>
    /// The workers' memory limit in deploy/k8s/workers.yaml. They run with the GC heap limit .NET takes in a container
    /// of that limit (75 % of it), so every fault runs them within the memory they have in production.
    /// </summary>
    public long WorkersMemoryLimit { get; private set; }

    public FaultStack(FaultSettings settings)
    {
        _settings = settings;
        _root = FindRoot();
        _script = Path.Combine(_root, "bench", "Proxe.Bench.Faults", "stack.sh");
        StateDirectory = Path.Combine(_root, ".proxe", "stacks", settings.StackName);
        AdminConnectionString = $"Host=127.0.0.1;Port={settings.PostgresPort};Database=proxe;Username=postgres;Password=postgres;Timeout=5";
        Broker = new Broker(settings.ManagementPort, settings.AmqpPort, Vhost);
    }

    static long ReadWorkersMemoryLimit(string root)
    {
        var manifest = Path.Combine(root, "deploy", "k8s", "workers.yaml");
        var limit = Regex.Match(File.ReadAllText(manifest), @"limits:\s*\{\s*memory:\s*(\d+)Mi\s*\}");
        return limit.Success
            ? long.Parse(limit.Groups[1].Value, CultureInfo.InvariantCulture) * 1024 * 1024
            : throw new InvalidOperationException($"No memory limit (limits: {{ memory: NMi }}) in {manifest}.");
    }

    static string Token() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Proxe.sln")))
                return directory.FullName;
        throw new InvalidOperationException("Cannot find the checkout (Proxe.sln) above " + AppContext.BaseDirectory);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var gatewayDll = Path.Combine(_root, "src", "Proxe.Gateway", "bin", configuration, "net10.0", "Proxe.Gateway.dll");
        var workersDll = Path.Combine(_root, "src", "Proxe.Workers", "bin", configuration, "net10.0", "Proxe.Workers.dll");
        foreach (var dll in new[] { gatewayDll, workersDll })
            if (!File.Exists(dll))
                throw new InvalidOperationException($"{dll} is missing: build with `dotnet build -c {configuration} bench/Proxe.Bench.Faults`.");

        WorkersMemoryLimit = ReadWorkersMemoryLimit(_root);
        _started = true;
        Console.WriteLine($"[faults] starting the fault stack '{_settings.StackName}': PostgreSQL {_settings.PostgresPort}, RabbitMQ {_settings.AmqpPort} " +
                          $"(management {_settings.ManagementPort}), data {StateDirectory}");
        await ScriptAsync("start", cancellationToken);
        await CreateDatabaseAsync(cancellationToken);
        await Broker.ResetVhostAsync(cancellationToken);

        var logs = Path.Combine(StateDirectory, "logs");
        Directory.CreateDirectory(logs);
        var spool = Path.Combine(StateDirectory, "spool");
        if (Directory.Exists(spool))
            Directory.Delete(spool, recursive: true);
        Directory.CreateDirectory(spool);

        var rabbitMq = $"amqp://guest:guest@127.0.0.1:{_settings.AmqpPort}/{Vhost}";
        var common = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_NOLOGO"] = "1",
            ["ConnectionStrings__RabbitMq"] = rabbitMq,
        };
        var prefix = $"Proxe__Brands__{Brand}__";
        Gateway = new ServiceProcess("gateway", Path.Combine(_root, "src", "Proxe.Gateway"), gatewayDll, _settings.GatewayPort,
            new Dictionary<string, string>(common)
            {
                [prefix + "ApiKey"] = ApiKey,
                [prefix + "DefaultRegion"] = "IN",
                [prefix + "Twilio__PhoneNumbers__0"] = TwilioNumber,
                [prefix + "Twilio__AuthToken"] = TwilioAuthToken,
                ["Proxe__Providers__PublicBaseUrl"] = $"http://127.0.0.1:{_settings.GatewayPort}",
                [_settings.SpoolSetting.Replace(":", "__", StringComparison.Ordinal)] = spool,
            },
            Path.Combine(logs, "Gateway.log"));
        Workers = new ServiceProcess("workers", Path.Combine(_root, "src", "Proxe.Workers"), workersDll, _settings.WorkersPort,
            new Dictionary<string, string>(common)
            {
                ["ConnectionStrings__Proxe"] = $"Host=127.0.0.1;Port={_settings.PostgresPort};Database=proxe;Username=proxe_app;" +
                                               $"Password={_appPassword};Options=-c role=proxe_ingest;Max Auto Prepare=64",
                ["DOTNET_GCHeapHardLimit"] = (WorkersMemoryLimit / 4 * 3).ToString("X", CultureInfo.InvariantCulture),
            },
            Path.Combine(logs, "Workers.log"));

        Workers.Start();
        Gateway.Start();
        if (!await Workers.WaitHealthyAsync("ready", _settings.ReadyTimeout, cancellationToken))
            throw new InvalidOperationException($"The workers were not ready within {_settings.ReadyTimeout.TotalSeconds:0} s; see {logs}/Workers.log.");
        if (!await Gateway.WaitHealthyAsync("ready", _settings.ReadyTimeout, cancellationToken))
            throw new InvalidOperationException($"The gateway was not ready within {_settings.ReadyTimeout.TotalSeconds:0} s; see {logs}/Gateway.log.");
        Console.WriteLine($"[faults] gateway {Gateway.BaseAddress} and workers {Workers.BaseAddress} ready (logs in {logs})");
    }

    /// <summary>A fresh database for every run, migrated like ./run.sh does, with the services' login role.</summary>
    async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres" }.ConnectionString;
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken);
            foreach (var sql in new[] { "DROP DATABASE IF EXISTS proxe WITH (FORCE)", "CREATE DATABASE proxe" })
                await using (var command = new NpgsqlCommand(sql, connection))
                    await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await MigrationRunner.MigrateAsync(AdminConnectionString, cancellationToken: cancellationToken);
        await using var database = new NpgsqlConnection(AdminConnectionString);
        await database.OpenAsync(cancellationToken);
        await using var roles = new NpgsqlCommand($"""
            SET client_min_messages = warning;
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'proxe_app') THEN CREATE ROLE proxe_app LOGIN; END IF;
            END $$;
            ALTER ROLE proxe_app PASSWORD '{_appPassword}';
            GRANT proxe_ingest, proxe_reader TO proxe_app;
            """, database);
        await roles.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Process ids of the postmaster and of RabbitMQ's Erlang VM; 0 for one that is not running.</summary>
    public async Task<(int Postgres, int RabbitMq)> PidsAsync(CancellationToken cancellationToken)
    {
        var output = (await ScriptAsync("pids", cancellationToken)).Trim().Split(' ');
        return (int.Parse(output[0], CultureInfo.InvariantCulture), int.Parse(output[1], CultureInfo.InvariantCulture));
    }

    public Task StopRabbitMqAsync(CancellationToken cancellationToken) => ScriptAsync("rabbitmq-stop", cancellationToken);

    /// <summary>deploy/local/start.sh again: PostgreSQL is found running, RabbitMQ is started and awaited.</summary>
    public Task StartRabbitMqAsync(CancellationToken cancellationToken) => ScriptAsync("start", cancellationToken);

    public Task CrashRestartPostgresAsync(CancellationToken cancellationToken) => ScriptAsync("postgres-crash-restart", cancellationToken);

    async Task<string> ScriptAsync(string verb, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(verb);
        start.Environment["PROXE_STACK"] = _settings.StackName;
        start.Environment["PROXE_PG_PORT"] = _settings.PostgresPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["PROXE_AMQP_PORT"] = _settings.AmqpPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["PROXE_RABBITMQ_MGMT_PORT"] = _settings.ManagementPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["PROXE_RABBITMQ_DIST_PORT"] = _settings.DistributionPort.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        // Not cancelled by Ctrl+C: a half-done start or stop would leave the stack in between.
        await process.WaitForExitAsync(CancellationToken.None);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"stack.sh {verb} failed ({process.ExitCode}): {await stdout}{await stderr}");
        return await stdout;
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
            await Gateway.DisposeAsync();
        if (Workers is not null)
            await Workers.DisposeAsync();
        await Broker.DisposeAsync();
        if (_started)
        {
            Console.WriteLine("[faults] stopping the fault stack");
            try
            {
                await ScriptAsync("stop", CancellationToken.None);
            }
            catch (InvalidOperationException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
            }
        }
    }
}
