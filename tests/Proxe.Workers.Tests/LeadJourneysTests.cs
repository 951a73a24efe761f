using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Proxe.Contracts;
using Proxe.Testing;
using Proxe.Workers.Journey;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Tests;

/// <summary>The journey's transactions against PostgreSQL directly: several writers, held leads, missing leads.</summary>
public sealed class LeadJourneysTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task A_batch_saves_each_leads_journey_with_its_projection_and_announces_a_second_channel_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var (a, b) = (await CreateLeadAsync(dataSource, "journeys-a"), await CreateLeadAsync(dataSource, "journeys-a"));
        var announced = new List<LeadBecameCrossChannel>();
        Task Announce(IReadOnlyList<LeadBecameCrossChannel> events) { announced.AddRange(events); return Task.CompletedTask; }

        var web = Recorded(a, "journeys-a", Channels.Web, Make.T0);
        await journeys.ApplyAsync([Events(a, web, Recorded(a, "journeys-a", Channels.WhatsApp, Make.T0.AddMinutes(5))),
            Events(b, Recorded(b, "journeys-a", Channels.Voice, Make.T0))], Announce, CancellationToken.None);
        await journeys.ApplyAsync([Events(a, web, Recorded(a, "journeys-a", Channels.Voice, Make.T0.AddMinutes(1)))], Announce, CancellationToken.None);

        Assert.Equal([(a, Channels.Web, Channels.WhatsApp)], announced.Select(e => (e.LeadId, e.FirstChannel, e.NewChannel)));
        var rows = await RowsAsync(dataSource, """
            SELECT j.correlation_id, j.version, j.current_state, l.last_touchpoint, l.unified_context -> 'channels' -> 'web' ->> 'interactions'
            FROM lead_journeys j JOIN all_leads l ON l.id = j.correlation_id WHERE j.brand = 'journeys-a'
            """);
        // The redelivered web event counts in the version (every event taken), not in the journey.
        Assert.Equal([4, "CrossChannel", "whatsapp", "1"], rows[a]);
        Assert.Equal([1, "SingleChannel", "voice", DBNull.Value], rows[b]);
    }

    [Fact]
    public async Task A_lead_another_transaction_holds_waits_while_the_rest_of_the_batch_is_saved()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var (held, free) = (await CreateLeadAsync(dataSource, "journeys-b"), await CreateLeadAsync(dataSource, "journeys-b"));

        await using var channel = await dataSource.OpenConnectionAsync();
        var transaction = await channel.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("UPDATE all_leads SET customer_name = 'held' WHERE id = @id", channel, transaction))
        {
            hold.Parameters.AddWithValue("id", held);
            await hold.ExecuteNonQueryAsync();
        }

        var applying = journeys.ApplyAsync([Events(held, Recorded(held, "journeys-b", Channels.Web, Make.T0)),
            Events(free, Recorded(free, "journeys-b", Channels.Web, Make.T0))], _ => Task.CompletedTask, CancellationToken.None);
        await Poll.UntilAsync("the free lead's journey is saved", async () => (await RowsAsync(dataSource,
            "SELECT correlation_id, version FROM lead_journeys WHERE brand = 'journeys-b'")).ContainsKey(free));
        Assert.False(applying.IsCompleted);
        Assert.False((await RowsAsync(dataSource, "SELECT correlation_id, version FROM lead_journeys WHERE brand = 'journeys-b'")).ContainsKey(held));

        await transaction.CommitAsync();
        await applying;
        Assert.Equal(2, (await RowsAsync(dataSource, "SELECT correlation_id, version FROM lead_journeys WHERE brand = 'journeys-b'")).Count);
    }

    [Fact]
    public async Task Writers_racing_on_the_same_new_lead_take_turns_and_every_event_counts()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var leads = new List<Guid>();
        for (var i = 0; i < 10; i++)
            leads.Add(await CreateLeadAsync(dataSource, "journeys-c"));

        // Two consumers, each with a batch holding an event of every lead, in opposite orders.
        await Task.WhenAll(
            Task.Run(() => journeys.ApplyAsync(leads.Select(lead => Events(lead, Recorded(lead, "journeys-c", Channels.Web, Make.T0))).ToList(),
                _ => Task.CompletedTask, CancellationToken.None)),
            Task.Run(() => journeys.ApplyAsync(leads.AsEnumerable().Reverse().Select(lead => Events(lead, Recorded(lead, "journeys-c", Channels.Social, Make.T0))).ToList(),
                _ => Task.CompletedTask, CancellationToken.None)));

        var rows = await RowsAsync(dataSource, "SELECT correlation_id, version, current_state FROM lead_journeys WHERE brand = 'journeys-c'");
        Assert.Equal(10, rows.Count);
        Assert.All(rows.Values, row => Assert.Equal([2, "CrossChannel"], row));
    }

    [Fact]
    public async Task Events_of_a_lead_that_does_not_exist_fail_on_their_own_data_after_the_others_are_saved()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var (missing, lead) = (Guid.Empty, await CreateLeadAsync(dataSource, "journeys-d")); // Guid.Empty sorts first: it is waited for first

        // The existing lead is held, so the missing one is the lead the next transaction waits for alone.
        await using var channel = await dataSource.OpenConnectionAsync();
        var transaction = await channel.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("UPDATE all_leads SET customer_name = 'held' WHERE id = @id", channel, transaction))
        {
            hold.Parameters.AddWithValue("id", lead);
            await hold.ExecuteNonQueryAsync();
        }
        var applying = Assert.ThrowsAsync<InvalidOperationException>(() => journeys.ApplyAsync(
            [Events(missing, Recorded(missing, "journeys-d", Channels.Web, Make.T0)), Events(lead, Recorded(lead, "journeys-d", Channels.Web, Make.T0))],
            _ => Task.CompletedTask, CancellationToken.None));
        await WaitForALockWaitAsync("the journey waits for the held lead");
        await transaction.CommitAsync();

        var failure = await applying;
        Assert.Equal(FailureKind.Message, Failures.Classify(failure));
        Assert.Contains(missing.ToString(), failure.Message);
        Assert.True((await RowsAsync(dataSource, "SELECT correlation_id, version FROM lead_journeys WHERE brand = 'journeys-d'")).ContainsKey(lead));
    }

    [Fact]
    public async Task A_journey_changed_since_it_was_read_fails_the_transaction_as_a_race_and_saves_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var (changed, other) = (await CreateLeadAsync(dataSource, "journeys-e"), await CreateLeadAsync(dataSource, "journeys-e"));
        await journeys.ApplyAsync([Events(changed, Recorded(changed, "journeys-e", Channels.Web, Make.T0)),
            Events(other, Recorded(other, "journeys-e", Channels.Web, Make.T0))], _ => Task.CompletedTask, CancellationToken.None);

        // A writer that does not take the lead's lock (an operator's statement) changes the journey while the batch is applied.
        await using var operatorConnection = await dataSource.OpenConnectionAsync();
        var transaction = await operatorConnection.BeginTransactionAsync();
        await using (var change = new NpgsqlCommand("UPDATE lead_journeys SET version = version + 1 WHERE correlation_id = @id", operatorConnection, transaction))
        {
            change.Parameters.AddWithValue("id", changed);
            await change.ExecuteNonQueryAsync();
        }
        var applying = Assert.ThrowsAsync<MassTransit.ConcurrencyException>(() => journeys.ApplyAsync(
            [Events(other, Recorded(other, "journeys-e", Channels.Voice, Make.T0.AddMinutes(1))),
             Events(changed, Recorded(changed, "journeys-e", Channels.Voice, Make.T0.AddMinutes(1)))], _ => Task.CompletedTask, CancellationToken.None));
        await WaitForALockWaitAsync("the journey's save waits for the changed row");
        await transaction.CommitAsync();

        var failure = await applying;
        Assert.Equal(FailureKind.Race, Failures.Classify(failure));
        Assert.Contains(changed.ToString(), failure.Message);
        var rows = await RowsAsync(dataSource, """
            SELECT j.correlation_id, j.version, l.last_touchpoint FROM lead_journeys j JOIN all_leads l ON l.id = j.correlation_id
            WHERE j.brand = 'journeys-e'
            """);
        Assert.Equal([2, "web"], rows[changed]); // the operator's change, nothing of the failed transaction
        Assert.Equal([1, "web"], rows[other]);
        await using var remembered = dataSource.CreateCommand("SELECT count(*) FROM lead_journey_interactions WHERE brand = 'journeys-e'");
        Assert.Equal(2L, await remembered.ExecuteScalarAsync()); // its interactions are not remembered: the retry folds them

    }

    [Fact]
    public async Task A_redelivery_after_hundreds_of_newer_interactions_is_recognised_and_ids_an_older_state_lists_count_as_folded()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var (busy, upgraded) = (await CreateLeadAsync(dataSource, "journeys-f"), await CreateLeadAsync(dataSource, "journeys-f"));
        var first = Recorded(busy, "journeys-f", Channels.Web, Make.T0);
        var newer = Enumerable.Range(1, 300).Select(i => Recorded(busy, "journeys-f", Channels.Web, Make.T0.AddSeconds(i))).ToArray();
        await journeys.ApplyAsync([Events(busy, first)], _ => Task.CompletedTask, CancellationToken.None);
        await journeys.ApplyAsync([Events(busy, newer)], _ => Task.CompletedTask, CancellationToken.None);

        // A journey saved by a version before migration 008 lists the interactions it folded in its state.
        var folded = Recorded(upgraded, "journeys-f", Channels.Web, Make.T0);
        await journeys.ApplyAsync([Events(upgraded, Recorded(upgraded, "journeys-f", Channels.Web, Make.T0.AddSeconds(-1)))], _ => Task.CompletedTask, CancellationToken.None);
        await using (var legacy = dataSource.CreateCommand(
            "UPDATE lead_journeys SET state = jsonb_set(state, '{recent_interaction_ids}', jsonb_build_array(@id::text)) WHERE correlation_id = @lead"))
        {
            legacy.Parameters.AddWithValue("id", folded.InteractionId);
            legacy.Parameters.AddWithValue("lead", upgraded);
            await legacy.ExecuteNonQueryAsync();
        }

        await journeys.ApplyAsync([Events(busy, first), Events(busy, first), Events(upgraded, folded, Recorded(upgraded, "journeys-f", Channels.Voice, Make.T0))],
            _ => Task.CompletedTask, CancellationToken.None);
        await journeys.ApplyAsync([Events(upgraded, folded)], _ => Task.CompletedTask, CancellationToken.None);

        var rows = await RowsAsync(dataSource, """
            SELECT j.correlation_id, j.version, (j.state -> 'channels' -> 'web' ->> 'interactions')::int, j.state ? 'recent_interaction_ids',
                   (SELECT count(*)::int FROM lead_journey_interactions i WHERE i.lead_id = j.correlation_id)
            FROM lead_journeys j WHERE j.brand = 'journeys-f'
            """);
        Assert.Equal([303, 301, false, 301], rows[busy]);
        Assert.Equal([4, 1, false, 3], rows[upgraded]);
    }

    [Fact]
    public async Task The_pruner_forgets_only_interactions_folded_longer_ago_than_the_journeys_memory()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var lead = await CreateLeadAsync(dataSource, "journeys-g");
        await using (var insert = dataSource.CreateCommand("""
            INSERT INTO lead_journey_interactions (lead_id, interaction_id, brand, folded_at)
            SELECT @lead, gen_random_uuid(), 'journeys-g', now() - make_interval(days => d) FROM generate_series(0, 10) AS d, generate_series(1, 1000)
            """))
        {
            insert.Parameters.AddWithValue("lead", lead);
            await insert.ExecuteNonQueryAsync();
        }

        var pruner = new JourneyMemoryPruner(dataSource, Microsoft.Extensions.Options.Options.Create(new WorkerOptions { JourneyMemory = TimeSpan.FromDays(4.5) }),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<JourneyMemoryPruner>.Instance);

        Assert.Equal(6_000, await pruner.PruneAsync(CancellationToken.None));
        await using var left = dataSource.CreateCommand(
            "SELECT count(*), max(now() - folded_at) < interval '4 days 12 hours' FROM lead_journey_interactions WHERE brand = 'journeys-g'");
        await using var reader = await left.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((5_000L, true), (reader.GetInt64(0), reader.GetBoolean(1)));
    }

    [Fact]
    public async Task A_save_fills_only_what_its_lead_lacks_and_an_event_of_an_earlier_version_keeps_every_detail()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var lead = await CreateLeadAsync(dataSource, "journeys-k");
        await using (var named = dataSource.CreateCommand("UPDATE all_leads SET customer_name = 'Asha' WHERE id = $1"))
        {
            named.Parameters.Add(new NpgsqlParameter { Value = lead });
            await named.ExecuteNonQueryAsync();
        }
        var customer = new CustomerInfo { Name = "Someone else", Email = "asha@example.test", Phone = "098765 43210", PhoneNormalized = "919876543210" };

        await journeys.ApplyAsync([Events(lead, Recorded(lead, "journeys-k", Channels.WhatsApp, Make.T0) with { Customer = customer })],
            _ => Task.CompletedTask, CancellationToken.None);
        // An event of an earlier version carries no customer; it happened before the lead's origin, which becomes its.
        await journeys.ApplyAsync([Events(lead, Recorded(lead, "journeys-k", Channels.Voice, Make.T0.AddDays(-2)))],
            _ => Task.CompletedTask, CancellationToken.None);

        Assert.Equal(["Asha", "asha@example.test", "098765 43210", "919876543210", "voice", Make.T0.AddDays(-2).UtcDateTime], (await RowsAsync(dataSource,
            "SELECT id, customer_name, email, phone, customer_phone_normalized, first_touchpoint, first_interaction_at FROM all_leads WHERE brand = 'journeys-k'"))[lead]);
    }

    [Fact]
    public async Task A_lead_takes_the_first_of_its_phones_no_other_lead_of_the_brand_has()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionStringFor("proxe_ingest"));
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var owner = await CreateLeadAsync(dataSource, "journeys-p", phone: "919800000001");
        await CreateLeadAsync(dataSource, "journeys-p2", phone: "919800000002");
        var lead = await CreateLeadAsync(dataSource, "journeys-p");

        // 01 is another lead's of the brand; 02 only a lead of another brand has, so it is free here.
        await journeys.ApplyAsync([Events(lead,
                Recorded(lead, "journeys-p", Channels.WhatsApp, Make.T0) with { Customer = new CustomerInfo { PhoneNormalized = "919800000001" } },
                Recorded(lead, "journeys-p", Channels.Voice, Make.T0.AddMinutes(1)) with { Customer = new CustomerInfo { PhoneNormalized = "919800000002" } },
                Recorded(lead, "journeys-p", Channels.Web, Make.T0.AddMinutes(2)) with { Customer = new CustomerInfo { PhoneNormalized = "919800000003" } })],
            _ => Task.CompletedTask, CancellationToken.None);

        var phones = await RowsAsync(dataSource, "SELECT id, customer_phone_normalized FROM all_leads WHERE brand = 'journeys-p'");
        Assert.Equal(["919800000001"], phones[owner]);
        Assert.Equal(["919800000002"], phones[lead]);
    }

    [Fact]
    public async Task A_channels_first_time_noted_by_a_workers_transaction_reaches_its_lead_with_the_journeys_save()
    {
        await using var dataSource = WorkersDataSource();
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var lead = await CreateLeadAsync(dataSource, "journeys-h");

        // A WhatsApp message, an earlier one that arrived late, and a later one: the earliest time is noted, the lead untouched.
        foreach (var (id, minutes) in new[] { ("h-1", 5), ("h-2", 2), ("h-3", 9) })
            await InsertMessageAsync(dataSource, lead, "journeys-h", Channels.WhatsApp, id, Make.T0.AddMinutes(minutes));
        Assert.Equal([Make.T0.AddMinutes(2).UtcDateTime], (await RowsAsync(dataSource,
            "SELECT lead_id, first_at FROM lead_channel_firsts WHERE brand = 'journeys-h'"))[lead]);
        Assert.Equal(["{}", new[] { "web" }], (await RowsAsync(dataSource,
            "SELECT id, channel_first_at::text, journey FROM all_leads WHERE brand = 'journeys-h'"))[lead]);

        await journeys.ApplyAsync([Events(lead, Recorded(lead, "journeys-h", Channels.WhatsApp, Make.T0.AddMinutes(2)))],
            _ => Task.CompletedTask, CancellationToken.None);

        Assert.Equal([Make.T0.AddMinutes(2).UtcDateTime, new[] { "web", "whatsapp" }], (await RowsAsync(dataSource,
            "SELECT id, (channel_first_at ->> 'whatsapp')::timestamptz, journey FROM all_leads WHERE brand = 'journeys-h'"))[lead]);
        Assert.Empty(await RowsAsync(dataSource, "SELECT lead_id FROM lead_channel_firsts WHERE brand = 'journeys-h'"));
    }

    [Fact]
    public async Task A_noted_first_time_a_channel_transaction_holds_is_left_to_the_next_save_without_waiting_for_it()
    {
        await using var dataSource = WorkersDataSource();
        var journeys = new LeadJourneys(dataSource, TimeProvider.System);
        var lead = await CreateLeadAsync(dataSource, "journeys-j");
        await InsertMessageAsync(dataSource, lead, "journeys-j", Channels.WhatsApp, "j-1", Make.T0.AddMinutes(5));

        // A channel transaction notes an earlier time over the noted one, and has not committed yet.
        await using var channel = await dataSource.OpenConnectionAsync();
        var transaction = await channel.BeginTransactionAsync();
        await InsertMessageAsync(channel, lead, "journeys-j", Channels.WhatsApp, "j-2", Make.T0.AddMinutes(2));
        await journeys.ApplyAsync([Events(lead, Recorded(lead, "journeys-j", Channels.WhatsApp, Make.T0.AddMinutes(5)))],
            _ => Task.CompletedTask, CancellationToken.None);
        Assert.Equal(["{}"], (await RowsAsync(dataSource, "SELECT id, channel_first_at::text FROM all_leads WHERE brand = 'journeys-j'"))[lead]);

        await transaction.CommitAsync();
        await journeys.ApplyAsync([Events(lead, Recorded(lead, "journeys-j", Channels.WhatsApp, Make.T0.AddMinutes(2)))],
            _ => Task.CompletedTask, CancellationToken.None);
        Assert.Equal([Make.T0.AddMinutes(2).UtcDateTime], (await RowsAsync(dataSource,
            "SELECT id, (channel_first_at ->> 'whatsapp')::timestamptz FROM all_leads WHERE brand = 'journeys-j'"))[lead]);
        Assert.Empty(await RowsAsync(dataSource, "SELECT lead_id FROM lead_channel_firsts WHERE brand = 'journeys-j'"));
    }

    [Fact]
    public async Task A_noted_first_time_no_journey_save_takes_is_merged_by_the_workers_once_old_enough()
    {
        await using var dataSource = WorkersDataSource();
        var merger = new NotedChannelFirstsMerger(dataSource, TimeProvider.System, NullLogger<NotedChannelFirstsMerger>.Instance);
        var lead = await CreateLeadAsync(dataSource, "journeys-i");
        await InsertMessageAsync(dataSource, lead, "journeys-i", Channels.Voice, "i-1", Make.T0.AddMinutes(3));

        Assert.Equal(0L, await merger.MergeAsync(NotedChannelFirstsMerger.Age, CancellationToken.None));
        Assert.Equal(1L, await merger.MergeAsync(TimeSpan.Zero, CancellationToken.None));

        Assert.Equal([Make.T0.AddMinutes(3).UtcDateTime, new[] { "web", "voice" }], (await RowsAsync(dataSource,
            "SELECT id, (channel_first_at ->> 'voice')::timestamptz, journey FROM all_leads WHERE brand = 'journeys-i'"))[lead]);
        Assert.Empty(await RowsAsync(dataSource, "SELECT lead_id FROM lead_channel_firsts WHERE brand = 'journeys-i'"));
    }

    /// <summary>Connected as the workers are (<see cref="Extensions.ConfigureDataSource"/>): the channel triggers note first times.</summary>
    NpgsqlDataSource WorkersDataSource()
    {
        var builder = new NpgsqlDataSourceBuilder(database.ConnectionStringFor("proxe_ingest"));
        Extensions.ConfigureDataSource(builder);
        return builder.Build();
    }

    static async Task InsertMessageAsync(NpgsqlDataSource dataSource, Guid lead, string brand, string channel, string externalId, DateTimeOffset at)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await InsertMessageAsync(connection, lead, brand, channel, externalId, at);
    }

    static async Task InsertMessageAsync(NpgsqlConnection connection, Guid lead, string brand, string channel, string externalId, DateTimeOffset at)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO messages (brand, lead_id, channel, sender, content, message_type, external_id, occurred_at)
            VALUES ($1, $2, $3, 'customer', 'hello', 'text', $4, $5)
            """, connection);
        foreach (var value in new object[] { brand, lead, channel, externalId, at })
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync();
    }

    async Task WaitForALockWaitAsync(string what)
    {
        await using var superuser = NpgsqlDataSource.Create(database.ConnectionString); // sees other sessions' wait events
        await Poll.UntilAsync(what, async () =>
        {
            await using var waiting = superuser.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
            return (long)(await waiting.ExecuteScalarAsync())! > 0;
        });
    }

    static LeadInteractionsRecorded Events(Guid leadId, params LeadInteractionRecorded[] interactions) =>
        new() { LeadId = leadId, Brand = interactions[0].Brand, Interactions = interactions };

    static LeadInteractionRecorded Recorded(Guid leadId, string brand, string channel, DateTimeOffset at) => new()
    {
        LeadId = leadId, InteractionId = Guid.NewGuid(), Brand = brand, Channel = channel, OccurredAt = at, HasMessage = true,
    };

    static async Task<Guid> CreateLeadAsync(NpgsqlDataSource dataSource, string brand, string? phone = null)
    {
        // First seen on the web the day before the interactions these tests apply.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO all_leads (brand, first_touchpoint, first_interaction_at, last_touchpoint, customer_phone_normalized)
            VALUES (@brand, 'web', @at, 'web', @phone) RETURNING id
            """);
        command.Parameters.AddWithValue("brand", brand);
        command.Parameters.AddWithValue("at", Make.T0.AddDays(-1));
        command.Parameters.AddWithValue("phone", (object?)phone ?? DBNull.Value);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The rows by their first column (a lead id), the other columns in order.</summary>
    static async Task<Dictionary<Guid, object[]>> RowsAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<Guid, object[]>();
        while (await reader.ReadAsync())
            rows[reader.GetGuid(0)] = Enumerable.Range(1, reader.FieldCount - 1).Select(reader.GetValue).ToArray();
        return rows;
    }
}
