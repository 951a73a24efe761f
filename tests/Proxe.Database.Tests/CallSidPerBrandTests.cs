using Dapper;
using Npgsql;
using Proxe.Database;
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
        await using var db = await database.DataSource.OpenConnectionAsync();
        // The database as 001 left it, with a call recorded.
        await db.ExecuteAsync(Migration.Embedded()[0].Sql);
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM pg_constraint WHERE conname = 'voice_sessions_call_sid_key'"));
        var first = await LeadAsync(db, "calls-a", "voice");
        await VoiceSessionAsync(db, first, "calls-a", "CA-shared");
        var other = await LeadAsync(db, "calls-b", "voice");
        var before = await Assert.ThrowsAsync<PostgresException>(() => VoiceSessionAsync(db, other, "calls-b", "CA-shared"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, before.SqlState);

        await MigrationRunner.MigrateAsync(database.ConnectionString);

        Assert.Equal(["voice_sessions_brand_call_sid_key"], await db.QueryAsync<string>(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'voice_sessions'::regclass AND contype = 'u'"));
        Assert.Equal("UNIQUE (brand, call_sid)", await db.ExecuteScalarAsync<string>(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'voice_sessions_brand_call_sid_key'"));
        await VoiceSessionAsync(db, other, "calls-b", "CA-shared");
        Assert.Equal(["calls-a", "calls-b"], await db.QueryAsync<string>("SELECT brand FROM voice_sessions WHERE call_sid = 'CA-shared' ORDER BY brand"));
        var again = await Assert.ThrowsAsync<PostgresException>(() => VoiceSessionAsync(db, first, "calls-a", "CA-shared"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, again.SqlState);
    }
}
