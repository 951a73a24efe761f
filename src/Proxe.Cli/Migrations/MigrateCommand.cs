using System.CommandLine;
using Proxe.Database;

namespace Proxe.Cli.Migrations;

public static class MigrateCommand
{
    public static Command Create()
    {
        var connectionString = ConnectionOptions.Database();
        var directory = new Option<DirectoryInfo?>("--directory", "-d")
        {
            Description = "Apply the NNN_name.sql files of this folder instead of the migrations built into proxe.",
        };

        var command = new Command("migrate", "Apply pending database migrations in order, under an advisory lock.")
        {
            connectionString,
            directory,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var connection = parseResult.GetValue(connectionString);
            if (string.IsNullOrWhiteSpace(connection))
            {
                await Console.Error.WriteLineAsync(
                    $"No database given: pass --connection-string or set {ConnectionOptions.EnvironmentVariable}.");
                return 2;
            }

            try
            {
                var folder = parseResult.GetValue(directory);
                var migrations = folder is null ? Migration.Embedded() : Migration.FromDirectory(folder.FullName);
                var applied = await MigrationRunner.MigrateAsync(connection, migrations, Console.WriteLine, cancellationToken);
                Console.WriteLine($"{applied.Count} migration(s) applied.");
                return 0;
            }
            catch (MigrationException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 1;
            }
        });

        return command;
    }
}
