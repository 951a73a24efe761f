using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Proxe.Cli.Migrations;
using Proxe.Testing;

namespace Proxe.Database.Tests;

public class MigrateCommandTests
{
    [Fact]
    public async Task Proxe_migrate_applies_the_schema_and_exits_zero()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);
        var root = new RootCommand { MigrateCommand.Create() };

        var exitCode = await root.Parse(["migrate", "--connection-string", database.ConnectionString]).InvokeAsync();

        Assert.Equal(0, exitCode);
        await using var db = database.CreateDbContext();
        Assert.Equal(Migration.Embedded().Select(migration => migration.Name), await db.SchemaMigrations.OrderBy(m => m.Version).Select(m => m.Name).ToListAsync());
    }

    [Fact]
    public async Task Proxe_migrate_exits_non_zero_when_the_database_is_unreachable()
    {
        var root = new RootCommand { MigrateCommand.Create() };

        var exitCode = await root.Parse(["migrate", "-c", "Host=127.0.0.1;Port=1;Username=x;Database=x;Timeout=3"]).InvokeAsync();

        Assert.Equal(1, exitCode);
    }
}
