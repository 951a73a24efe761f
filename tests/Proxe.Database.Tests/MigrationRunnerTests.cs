using Microsoft.EntityFrameworkCore;
using Proxe.Testing;

namespace Proxe.Database.Tests;

public class MigrationRunnerTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("proxe-migrations-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Pending_files_apply_in_numeric_order_once_each_with_their_checksum()
    {
        Write("010_third.sql", "INSERT INTO applied (name) VALUES ('third');");
        Write("001_first.sql", "CREATE TABLE applied (seq serial, name text);\nINSERT INTO applied (name) VALUES ('first');");
        Write("002_second.sql", "INSERT INTO applied (name) VALUES ('second');");
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);
        var migrations = Migration.FromDirectory(_folder.FullName);

        var first = await MigrationRunner.MigrateAsync(database.ConnectionString, migrations);
        var second = await MigrationRunner.MigrateAsync(database.ConnectionString, migrations);

        Assert.Equal(["001_first.sql", "002_second.sql", "010_third.sql"], first);
        Assert.Empty(second);
        await using var db = database.CreateDbContext();
        Assert.Equal(["first", "second", "third"], await db.Database.SqlQuery<string>($"SELECT name AS \"Value\" FROM applied ORDER BY seq").ToListAsync());
        var recorded = await db.SchemaMigrations.OrderBy(m => m.Version).Select(m => new { m.Version, m.Name, m.Checksum }).ToListAsync();
        Assert.Equal(migrations.Select(m => (m.Version, m.Name, m.Checksum)), recorded.Select(m => (m.Version, m.Name, m.Checksum)));
    }

    [Fact]
    public async Task A_failing_file_names_file_line_and_statement_and_leaves_nothing_of_itself()
    {
        Write("001_good.sql", "CREATE TABLE good (id int);");
        Write("002_bad.sql", "CREATE TABLE half (id int);\n\n-- the typo\nINSERT INTO good\n  SELECT id FROM missing_table;\n");
        Write("003_later.sql", "CREATE TABLE later (id int);");
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);

        var failure = await Assert.ThrowsAsync<MigrationException>(
            () => MigrationRunner.MigrateAsync(database.ConnectionString, Migration.FromDirectory(_folder.FullName)));

        Assert.StartsWith("Migration 002_bad.sql failed at line 5: 42P01: relation \"missing_table\" does not exist", failure.Message);
        Assert.Contains("Statement (line 4): INSERT INTO good", failure.Message);
        await using var db = database.CreateDbContext();
        Assert.Equal(["001_good.sql"], await db.SchemaMigrations.Select(m => m.Name).ToListAsync());
        Assert.Null(await TestData.RegclassAsync(db, "half"));
        Assert.Null(await TestData.RegclassAsync(db, "later"));
    }

    [Fact]
    public async Task A_failure_inside_a_do_block_shows_its_context()
    {
        Write("001_do.sql", "DO $$\nBEGIN\n  RAISE EXCEPTION 'legacy row % is broken', 7;\nEND\n$$;");
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);

        var failure = await Assert.ThrowsAsync<MigrationException>(
            () => MigrationRunner.MigrateAsync(database.ConnectionString, Migration.FromDirectory(_folder.FullName)));

        Assert.Contains("Migration 001_do.sql failed at line 1: P0001: legacy row 7 is broken", failure.Message);
        Assert.Contains("Context: PL/pgSQL function inline_code_block line 3 at RAISE", failure.Message);
    }

    [Fact]
    public async Task An_applied_file_edited_since_stops_everything()
    {
        Write("001_first.sql", "CREATE TABLE first (id int);");
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);
        await MigrationRunner.MigrateAsync(database.ConnectionString, Migration.FromDirectory(_folder.FullName));
        Write("001_first.sql", "CREATE TABLE first (id bigint);");
        Write("002_second.sql", "CREATE TABLE second (id int);");

        var refusal = await Assert.ThrowsAsync<MigrationException>(
            () => MigrationRunner.MigrateAsync(database.ConnectionString, Migration.FromDirectory(_folder.FullName)));

        Assert.StartsWith("Refusing to migrate: already applied migration files were edited since: 001_first.sql", refusal.Message);
        await using var db = database.CreateDbContext();
        Assert.Null(await TestData.RegclassAsync(db, "second"));
    }

    [Fact]
    public void Line_endings_are_not_an_edit()
    {
        var lf = Migration.Create("001_a.sql", "CREATE TABLE a (id int);\nSELECT 1;\n");
        var crlf = Migration.Create("001_a.sql", "CREATE TABLE a (id int);\r\nSELECT 1;\r\n");
        var edited = Migration.Create("001_a.sql", "CREATE TABLE a (id int);\nSELECT 2;\n");

        Assert.Equal(lf.Checksum, crlf.Checksum);
        Assert.NotEqual(lf.Checksum, edited.Checksum);
    }

    [Fact]
    public async Task A_new_file_numbered_below_an_applied_one_is_refused()
    {
        Write("002_second.sql", "CREATE TABLE second (id int);");
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);
        await MigrationRunner.MigrateAsync(database.ConnectionString, Migration.FromDirectory(_folder.FullName));
        Write("001_first.sql", "CREATE TABLE first (id int);");

        var refusal = await Assert.ThrowsAsync<MigrationException>(
            () => MigrationRunner.MigrateAsync(database.ConnectionString, Migration.FromDirectory(_folder.FullName)));

        Assert.Contains("001_first.sql would run after the newer migration 002_second.sql", refusal.Message);
    }

    [Fact]
    public async Task Two_runners_at_once_one_applies_and_the_other_waits_then_finds_nothing_to_do()
    {
        // Long enough that the second runner surely arrives while the first holds the lock.
        Write("001_slow.sql", "CREATE TABLE slow (id int);\nSELECT pg_sleep(2);\nINSERT INTO slow VALUES (1);");
        Write("002_after.sql", "INSERT INTO slow VALUES (2);");
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);
        var migrations = Migration.FromDirectory(_folder.FullName);
        var logs = new[] { new List<string>(), new List<string>() };

        var results = await Task.WhenAll(
            Task.Run(() => MigrationRunner.MigrateAsync(database.ConnectionString, migrations, logs[0].Add)),
            Task.Run(() => MigrationRunner.MigrateAsync(database.ConnectionString, migrations, logs[1].Add)));

        var applier = Array.FindIndex(results, r => r.Count > 0);
        var waiter = 1 - applier;
        Assert.Equal(["001_slow.sql", "002_after.sql"], results[applier]);
        Assert.Empty(results[waiter]);
        Assert.Contains("Another migration runner holds the lock; waiting for it to finish.", logs[waiter]);
        Assert.Contains("Database is up to date.", logs[waiter]);
        await using var db = database.CreateDbContext();
        Assert.Equal([1, 2], await db.Database.SqlQuery<int>($"SELECT id AS \"Value\" FROM slow ORDER BY id").ToListAsync());
        Assert.Equal(2, await db.SchemaMigrations.CountAsync());
    }

    [Fact]
    public async Task An_unreachable_database_says_where_it_tried()
    {
        var failure = await Assert.ThrowsAsync<MigrationException>(
            () => MigrationRunner.MigrateAsync("Host=127.0.0.1;Port=1;Username=proxe;Password=secret;Database=proxe;Timeout=3"));

        Assert.StartsWith("Cannot connect to PostgreSQL at 127.0.0.1:1, database 'proxe', user 'proxe':", failure.Message);
        Assert.DoesNotContain("secret", failure.Message);
    }

    [Fact]
    public async Task A_missing_database_is_reported_as_such()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "proxe_no_such_database" };

        var failure = await Assert.ThrowsAsync<MigrationException>(() => MigrationRunner.MigrateAsync(missing.ConnectionString));

        Assert.Contains("database 'proxe_no_such_database'", failure.Message);
        Assert.Contains("3D000", failure.Message);
    }

    [Theory]
    [InlineData("V1__init.sql")]
    [InlineData("1_init.sql")]
    [InlineData("001-init.sql")]
    [InlineData("001_init.txt")]
    public void File_names_must_be_NNN_name_sql(string name)
    {
        var failure = Assert.Throws<MigrationException>(() => Migration.Create(name, "SELECT 1;"));

        Assert.Contains($"'{name}' does not match NNN_name.sql", failure.Message);
    }

    [Fact]
    public void Two_files_with_one_number_are_refused()
    {
        Write("001_a.sql", "SELECT 1;");
        Write("001_b.sql", "SELECT 2;");

        var failure = Assert.Throws<MigrationException>(() => Migration.FromDirectory(_folder.FullName));

        Assert.Equal("Several migration files share number 001: 001_a.sql, 001_b.sql.", failure.Message);
    }

    [Fact]
    public void The_schema_ships_inside_the_assembly_in_order()
    {
        var embedded = Migration.Embedded();
        var onDisk = Migration.FromDirectory(Path.Combine(RepositoryRoot(), "deploy", "db", "migrations"));

        Assert.Equal("001_rename_sessions_to_all_leads.sql", embedded[0].Name);
        Assert.Equal(onDisk.Select(m => (m.Name, m.Checksum)), embedded.Select(m => (m.Name, m.Checksum)));
    }

    private void Write(string name, string sql) => File.WriteAllText(Path.Combine(_folder.FullName, name), sql);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Proxe.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Proxe.sln not found above " + AppContext.BaseDirectory);
    }
}
