using Microsoft.Extensions.Options;
using Proxe.Database;

namespace Proxe.Workers.Persistence;

/// <summary>
/// Applies pending migrations before the bus starts, when Proxe:Database:MigrateOnStartup is set. Migrations create
/// roles and tables, which the proxe_ingest role may not: they use ConnectionStrings:ProxeMigrations when given.
/// </summary>
public sealed class DatabaseMigrator(IOptions<DatabaseOptions> options, IConfiguration configuration, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
            return;

        var connectionString = configuration.GetConnectionString("ProxeMigrations") ?? configuration.GetConnectionString("Proxe")!;
        var applied = await MigrationRunner.MigrateAsync(connectionString, message => logger.LogInformation("{Migration}", message), cancellationToken);
        logger.LogInformation("Applied {Count} migration(s)", applied.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
