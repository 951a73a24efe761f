using Microsoft.EntityFrameworkCore;
using Npgsql;
using Proxe.Testing;
using static Proxe.Database.Tests.TestData;

namespace Proxe.Database.Tests;

/// <summary>
/// Issue 8 case 5: voice_sessions was UNIQUE (call_sid) across brands; migration 002 makes it (brand, call_sid), on a
/// database that already holds calls as well as on a new one.
/// </summary>
public class CallSidPerBrandTests
{
    [Fact]
    public async Task An_existing_database_keeps_its_calls_and_two_brands_may_then_share_a_call_sid()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync(migrate: false);
        // The database as 001 left it, with a call recorded (a whole SQL file: plain Npgsql, as the runner runs it).
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        await using (var script = new NpgsqlCommand(Migration.Embedded()[0].Sql, connection))
            await script.ExecuteNonQueryAsync();
        await using var db = database.CreateDbContext();
        Assert.Equal(1, await CountAsync(db, $"SELECT count(*)::int AS \"Value\" FROM pg_constraint WHERE conname = 'voice_sessions_call_sid_key'"));
        var first = await LeadAsync(db, "calls-a", "voice");
        await VoiceSessionAsync(db, first, "calls-a", "CA-shared");
        var other = await LeadAsync(db, "calls-b", "voice");
        var before = await Assert.ThrowsAsync<PostgresException>(() => VoiceSessionAsync(db, other, "calls-b", "CA-shared"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, before.SqlState);

        await MigrationRunner.MigrateAsync(database.ConnectionString);

        Assert.Equal(["voice_sessions_brand_call_sid_key"], await db.Database.SqlQuery<string>(
            $"SELECT conname::text AS \"Value\" FROM pg_constraint WHERE conrelid = 'voice_sessions'::regclass AND contype = 'u'").ToListAsync());
        Assert.Equal("UNIQUE (brand, call_sid)", (await db.Database.SqlQuery<string>(
            $"SELECT pg_get_constraintdef(oid) AS \"Value\" FROM pg_constraint WHERE conname = 'voice_sessions_brand_call_sid_key'").ToListAsync()).Single());
        await VoiceSessionAsync(db, other, "calls-b", "CA-shared");
        Assert.Equal(["calls-a", "calls-b"], await db.VoiceSessions.Where(s => s.CallSid == "CA-shared").Select(s => s.Brand).OrderBy(b => b).ToListAsync());
        var again = await Assert.ThrowsAsync<PostgresException>(() => VoiceSessionAsync(db, first, "calls-a", "CA-shared"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, again.SqlState);
    }

    static async Task<int> CountAsync(ProxeDbContext db, FormattableString sql) => (await db.Database.SqlQuery<int>(sql).ToListAsync()).Single();
}
