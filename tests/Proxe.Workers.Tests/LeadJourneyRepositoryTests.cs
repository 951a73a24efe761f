using MassTransit;
using Npgsql;
using Proxe.Contracts;
using Proxe.Testing;
using Proxe.Workers.Journey;

namespace Proxe.Workers.Tests;

/// <summary>The saga repository's optimistic concurrency, against PostgreSQL directly (two workers, one lead).</summary>
public sealed class LeadJourneyRepositoryTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task The_second_writer_of_the_same_version_gets_a_concurrency_exception_and_changes_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var leadId = await CreateLeadAsync(dataSource, "repo-a");
        var journey = new LeadJourneyState { CorrelationId = leadId, CurrentState = "SingleChannel" };
        journey.Apply(Recorded(leadId, "repo-a", Channels.Web, Make.T0));
        await InTransactionAsync(dataSource, db => db.InsertAsync(journey, CancellationToken.None));

        var first = await InTransactionAsync(dataSource, db => db.LoadAsync(leadId, CancellationToken.None));
        var second = await InTransactionAsync(dataSource, db => db.LoadAsync(leadId, CancellationToken.None));
        first!.Apply(Recorded(leadId, "repo-a", Channels.WhatsApp, Make.T0.AddMinutes(1)));
        second!.Apply(Recorded(leadId, "repo-a", Channels.Voice, Make.T0.AddMinutes(2)));

        await InTransactionAsync(dataSource, db => db.UpdateAsync(first, CancellationToken.None));
        await Assert.ThrowsAsync<ConcurrencyException>(() => InTransactionAsync(dataSource, db => db.UpdateAsync(second, CancellationToken.None)));

        var stored = await InTransactionAsync(dataSource, db => db.LoadAsync(leadId, CancellationToken.None));
        Assert.Equal(2, stored!.Version);
        Assert.Equal(["web", "whatsapp"], stored.Journey);
        await using var command = dataSource.CreateCommand("SELECT last_touchpoint FROM all_leads WHERE id = @id");
        command.Parameters.AddWithValue("id", leadId);
        Assert.Equal("whatsapp", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Two_first_events_racing_to_insert_the_journey_end_in_a_unique_violation_for_one_of_them()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var leadId = await CreateLeadAsync(dataSource, "repo-b");
        LeadJourneyState New(string channel)
        {
            var journey = new LeadJourneyState { CorrelationId = leadId, CurrentState = "SingleChannel" };
            journey.Apply(Recorded(leadId, "repo-b", channel, Make.T0));
            return journey;
        }

        await InTransactionAsync(dataSource, db => db.InsertAsync(New(Channels.Web), CancellationToken.None));
        var conflict = await Assert.ThrowsAsync<PostgresException>(() =>
            InTransactionAsync(dataSource, db => db.InsertAsync(New(Channels.Social), CancellationToken.None)));
        Assert.Equal(Persistence.FailureKind.Race, Persistence.Failures.Classify(conflict));
    }

    static LeadInteractionRecorded Recorded(Guid leadId, string brand, string channel, DateTimeOffset at) => new()
    {
        LeadId = leadId, InteractionId = Guid.NewGuid(), Brand = brand, Channel = channel, OccurredAt = at, HasMessage = true,
    };

    static async Task<Guid> CreateLeadAsync(NpgsqlDataSource dataSource, string brand)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO all_leads (brand, first_touchpoint, last_touchpoint) VALUES (@brand, 'web', 'web') RETURNING id");
        command.Parameters.AddWithValue("brand", brand);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    static async Task InTransactionAsync(NpgsqlDataSource dataSource, Func<LeadJourneyDatabase, Task> work) =>
        await InTransactionAsync(dataSource, async db => { await work(db); return true; });

    static async Task<T> InTransactionAsync<T>(NpgsqlDataSource dataSource, Func<LeadJourneyDatabase, Task<T>> work)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await work(new LeadJourneyDatabase(connection));
        await transaction.CommitAsync();
        return result;
    }
}
