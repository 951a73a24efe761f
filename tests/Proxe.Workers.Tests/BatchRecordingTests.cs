using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Proxe.Contracts;
using Proxe.Workers.Interactions;
using Proxe.Workers.Journey;
using static Proxe.Workers.Tests.Make;

namespace Proxe.Workers.Tests;

/// <summary>One batch, one transaction: the rules of single interactions hold between the interactions of a batch.</summary>
public sealed class BatchRecordingTests(WorkerHost host) : IClassFixture<WorkerHost>
{
    [Fact]
    public async Task A_batch_keeps_call_events_without_numbers_on_their_call_and_counts_a_repeated_message_once()
    {
        var brand = Brand("batch");
        var ringing = Voice(brand, "CA-b1", "CA-b1:1", T0, "+14155550190", Text("ringing", Senders.System), status: "ringing");
        var recording = Voice(brand, "CA-b1", "CA-b1:rec", T0.AddMinutes(2), "", Text("recording", Senders.System), recordingUrl: "https://r/1")
            with { Customer = new CustomerInfo() };
        var anonymous = Voice(brand, "CA-b2", "CA-b2:1", T0.AddMinutes(3), "", Text("anonymous", Senders.System), status: "ringing")
            with { Customer = new CustomerInfo() };
        var anonymousAgain = Voice(brand, "CA-b2", "CA-b2:2", T0.AddMinutes(4), "", Text("anonymous again", Senders.System), status: "completed")
            with { Customer = new CustomerInfo() };

        var recorder = host.Factory.Services.GetRequiredService<InteractionRecorder>();
        var sessions = host.Factory.Services.GetRequiredService<VoiceSessionWriter>();
        var outcome = await recorder.RecordBatchAsync([ringing, recording, ringing, anonymous, anonymousAgain, recording], sessions, CancellationToken.None);

        Assert.Empty(outcome.Refused);
        Assert.Equal(6, outcome.Recorded.Count);
        var leads = outcome.Recorded.Select(recorded => recorded.LeadId).ToList();
        Assert.Equal([leads[0], leads[0], leads[0], leads[3], leads[3], leads[0]], leads);
        Assert.NotEqual(leads[0], leads[3]);
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(4L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand", ("brand", brand)));
        var calls = await host.RowsAsync("SELECT call_sid, lead_id, call_status, recording_url FROM voice_sessions WHERE brand = @brand ORDER BY call_sid",
            ("brand", brand));
        Assert.Equal(["CA-b1", "CA-b2"], calls.Select(call => (string)call["call_sid"]!));
        Assert.Equal([leads[0], leads[3]], calls.Select(call => (Guid)call["lead_id"]!));
        Assert.Equal("https://r/1", calls[0]["recording_url"]);
        Assert.Equal("completed", calls[1]["call_status"]);
    }

    [Fact]
    public async Task A_batch_fills_its_leads_missing_details_with_the_journeys_save_as_its_interactions_one_by_one_would()
    {
        var brand = Brand("batch-details");
        var recorder = host.Factory.Services.GetRequiredService<InteractionRecorder>();
        var web = host.Factory.Services.GetRequiredService<WebSessionWriter>();
        // A lead from the legacy table: it has the number, but no identity row that would find it.
        var legacy = await host.ScalarAsync<Guid>("""
            INSERT INTO all_leads (brand, phone, customer_phone_normalized, first_touchpoint, first_interaction_at, last_touchpoint, last_interaction_at)
            VALUES (@brand, '+14155550101', '14155550101', 'voice', @at, 'voice', @at) RETURNING id
            """, ("brand", brand), ("at", T0));
        var bea = (await recorder.RecordBatchAsync([Web(brand, "s-bea", "w-bea-0", T0.AddHours(5), Person(), Text("hi"))], web, CancellationToken.None))
            .Recorded[0].LeadId;
        var cy = (await recorder.RecordBatchAsync(
            [Social(brand, Platforms.Instagram, "ig-cy", "ig-cy-0", T0.AddHours(5), Person(email: "cy@example.test"), Text("hi"))],
            host.Factory.Services.GetRequiredService<SocialSessionWriter>(), CancellationToken.None)).Recorded[0].LeadId;

        var outcome = await recorder.RecordBatchAsync(
        [
            Web(brand, "s-bea", "w-bea-1", T0.AddHours(6), Person(phone: "+1 415 555 0101"), Text("my number")),
            Web(brand, "s-cy", "w-cy-1", T0.AddHours(6), Person(phone: "+1 415 555 0104", email: "cy@example.test"), Text("my number")),
            Web(brand, "s-bea", "w-bea-2", T0.AddHours(7), Person(phone: "+1 415 555 0102", name: "Bea", email: "bea@example.test"), Text("new number")),
            Web(brand, "s-bea", "w-bea-3", T0.AddHours(8), Person(phone: "+1 415 555 0103", name: "Beatrice", email: "beatrice@example.test"), Text("another")),
            Web(brand, "s-cy", "w-cy-2", T0.AddHours(1), Person(name: "Cy", email: "cy@example.test"), Text("sent earlier")),
        ], web, CancellationToken.None);

        Assert.Empty(outcome.Refused);
        Assert.Equal([bea, cy, bea, bea, cy], outcome.Recorded.Select(recorded => recorded.LeadId));
        // The channel's transaction leaves the lead rows to the journey's save, which holds them for its batch.
        Assert.True(await host.ScalarAsync<bool>("SELECT customer_name IS NULL AND email IS NULL FROM all_leads WHERE id = @id", ("id", bea)));
        await ApplyJourneysAsync(outcome);
        const string lead = """
            SELECT customer_name, email, phone, customer_phone_normalized, first_touchpoint, first_interaction_at FROM all_leads WHERE id = @id
            """;
        var first = Assert.Single(await host.RowsAsync(lead, ("id", bea)));
        Assert.Equal("Bea", first["customer_name"]); // the first name and email given, in batch order
        Assert.Equal("bea@example.test", first["email"]);
        Assert.Equal("+1 415 555 0101", first["phone"]); // the first number given
        Assert.Equal("14155550102", first["customer_phone_normalized"]); // the first the legacy lead does not have
        Assert.Equal(("web", T0.AddHours(5)), ((string)first["first_touchpoint"]!, new DateTimeOffset((DateTime)first["first_interaction_at"]!)));
        var second = Assert.Single(await host.RowsAsync(lead, ("id", cy)));
        Assert.Equal(("Cy", "+1 415 555 0104", "14155550104"), ((string)second["customer_name"]!, (string)second["phone"]!, (string)second["customer_phone_normalized"]!));
        // Its earliest interaction, sent last, is its origin: the lead moves from social to web.
        Assert.Equal(("web", T0.AddHours(1)), ((string)second["first_touchpoint"]!, new DateTimeOffset((DateTime)second["first_interaction_at"]!)));
        Assert.Equal("14155550101", await host.ScalarAsync<string>("SELECT customer_phone_normalized FROM all_leads WHERE id = @id", ("id", legacy)));
    }

    [Fact]
    public async Task New_customers_of_a_batch_are_created_together_and_one_with_a_legacy_leads_number_joins_that_lead()
    {
        var brand = Brand("batch-new");
        var recorder = host.Factory.Services.GetRequiredService<InteractionRecorder>();
        var legacy = await host.ScalarAsync<Guid>("""
            INSERT INTO all_leads (brand, phone, customer_phone_normalized, first_touchpoint, first_interaction_at, last_touchpoint, last_interaction_at)
            VALUES (@brand, '+919800033333', '919800033333', 'web', @at, 'web', @at) RETURNING id
            """, ("brand", brand), ("at", T0));

        var outcome = await recorder.RecordBatchAsync(
        [
            WhatsApp(brand, "919800011111", "wamid.new-1", T0.AddMinutes(1), Text("hi"), name: "Asha"),
            WhatsApp(brand, "919800033333", "wamid.new-2", T0.AddMinutes(2), Text("hello again"), name: "Ravi"),
            WhatsApp(brand, "919800022222", "wamid.new-3", T0.AddMinutes(3), Text("hey")),
            WhatsApp(brand, "919800033333", "wamid.new-4", T0.AddMinutes(4), Text("still me")),
            WhatsApp(brand, "919800011111", "wamid.new-5", T0.AddMinutes(5), Text("me too")),
        ], host.Factory.Services.GetRequiredService<WhatsAppSessionWriter>(), CancellationToken.None);
        await ApplyJourneysAsync(outcome);

        Assert.Empty(outcome.Refused);
        var leads = outcome.Recorded.Select(recorded => recorded.LeadId).ToList();
        Assert.Equal([leads[0], legacy, leads[2], legacy, leads[0]], leads);
        Assert.Equal(3, leads.Distinct().Count());
        Assert.Equal(3L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
        Assert.Equal(["Asha", "Ravi", null], (await host.RowsAsync("SELECT customer_name FROM all_leads WHERE id = ANY (@ids)", ("ids", leads.Distinct().ToArray())))
            .Select(row => row["customer_name"] as string).OrderBy(name => name is null).ThenBy(name => name));
        // Every message, session and identity names the lead its interaction was given.
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM messages WHERE brand = @brand AND lead_id = @lead", ("brand", brand), ("lead", legacy)));
        Assert.Equal(legacy, await host.ScalarAsync<Guid>("SELECT lead_id FROM whatsapp_sessions WHERE brand = @brand AND whatsapp_contact_id = '919800033333'",
            ("brand", brand)));
        Assert.Equal(legacy, await host.ScalarAsync<Guid>("SELECT lead_id FROM lead_identities WHERE brand = @brand AND kind = 'phone' AND value = '919800033333'",
            ("brand", brand)));
    }

    [Fact]
    public async Task A_legacy_lead_found_by_its_number_stays_found_by_it_in_the_batchs_later_writes()
    {
        var brand = Brand("batch-legacy");
        var legacy = await host.ScalarAsync<Guid>("""
            INSERT INTO all_leads (brand, phone, customer_phone_normalized, first_touchpoint, first_interaction_at, last_touchpoint, last_interaction_at)
            VALUES (@brand, '+14155550199', '14155550199', 'web', @at, 'web', @at) RETURNING id
            """, ("brand", brand), ("at", T0));
        var recorder = host.Factory.Services.GetRequiredService<InteractionRecorder>();

        // The anonymous call's event is resolved through voice_sessions, so the interactions before it are written first.
        var outcome = await recorder.RecordBatchAsync(
        [
            Voice(brand, "CA-legacy-1", "CA-legacy-1:1", T0.AddMinutes(1), "+14155550199", Text("ringing", Senders.System), status: "ringing"),
            Voice(brand, "CA-anonymous", "CA-anonymous:1", T0.AddMinutes(2), "", Text("ringing", Senders.System), status: "ringing")
                with { Customer = new CustomerInfo() },
            Voice(brand, "CA-legacy-2", "CA-legacy-2:1", T0.AddMinutes(3), "+14155550199", Text("ringing again", Senders.System), status: "ringing"),
        ], host.Factory.Services.GetRequiredService<VoiceSessionWriter>(), CancellationToken.None);

        Assert.Empty(outcome.Refused);
        var leads = outcome.Recorded.Select(recorded => recorded.LeadId).ToList();
        Assert.Equal([legacy, leads[1], legacy], leads);
        Assert.NotEqual(legacy, leads[1]);
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task Only_an_interaction_with_an_identity_no_lead_has_yet_waits_for_the_identity_lock()
    {
        var brand = Brand("batch-locks");
        var recorder = host.Factory.Services.GetRequiredService<InteractionRecorder>();
        var sessions = host.Factory.Services.GetRequiredService<WhatsAppSessionWriter>();
        var first = WhatsApp(brand, "919800011111", "wamid.locks-1", T0, Text("hello"));
        var known = WhatsApp(brand, "919800011111", "wamid.locks-2", T0.AddMinutes(1), Text("again"));
        var newcomer = WhatsApp(brand, "919800022222", "wamid.locks-3", T0.AddMinutes(1), Text("hi"));
        await recorder.RecordBatchAsync([first], sessions, CancellationToken.None);

        // Another transaction holds the identity locks of both customers, as one creating their leads would.
        await using var holder = await host.Database.DataSource.OpenConnectionAsync();
        var transaction = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT count(pg_advisory_xact_lock(key)) FROM unnest(@keys) AS key", holder, transaction))
        {
            hold.Parameters.AddWithValue("keys", LeadResolver.LockKeys(known).Concat(LeadResolver.LockKeys(newcomer)).Distinct().Order().ToArray());
            await hold.ExecuteScalarAsync();
        }

        // Under the held lock it would wait for the commit below: the generous limit turns that into a failure, not a hang.
        var knownOutcome = await recorder.RecordBatchAsync([known], sessions, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var waiting = recorder.RecordBatchAsync([newcomer], sessions, CancellationToken.None);
        await WorkerHost.WaitUntilAsync("the newcomer's transaction waits for its identity lock", async () =>
            await host.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'") > 0);
        Assert.False(waiting.IsCompleted);
        await transaction.CommitAsync();
        var newcomerOutcome = await waiting;

        Assert.Equal(knownOutcome.Recorded.Single().LeadId, await host.ScalarAsync<Guid>(
            "SELECT lead_id FROM messages WHERE brand = @brand AND external_id = 'wamid.locks-1'", ("brand", brand)));
        Assert.NotEqual(knownOutcome.Recorded.Single().LeadId, newcomerOutcome.Recorded.Single().LeadId);
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task A_new_customers_identity_locks_are_released_before_the_write_of_its_interactions()
    {
        var brand = Brand("batch-settle");
        var recorder = host.Factory.Services.GetRequiredService<InteractionRecorder>();
        var whatsAppSessions = host.Factory.Services.GetRequiredService<WhatsAppSessionWriter>();
        var other = await recorder.RecordBatchAsync([WhatsApp(brand, "919800066666", "wamid.settle-other", T0, Text("hi"))], whatsAppSessions,
            CancellationToken.None);
        var message = WhatsApp(brand, "919800055555", "wamid.settle-1", T0, Text("hello"));
        var call = Voice(brand, "CA-settle", "CA-settle:1", T0.AddMinutes(1), "+919800055555", Text("ringing", Senders.System), status: "ringing");

        // Another transaction holds the WhatsApp message's key, as a concurrent delivery of it would: its write waits.
        await using var holder = await host.Database.DataSource.OpenConnectionAsync();
        var transaction = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("""
            INSERT INTO messages (brand, lead_id, channel, sender, content, external_id, occurred_at)
            VALUES (@brand, @lead, 'whatsapp', 'customer', 'held', 'wamid.settle-1', now())
            """, holder, transaction))
        {
            hold.Parameters.AddWithValue("brand", brand);
            hold.Parameters.AddWithValue("lead", other.Recorded.Single().LeadId);
            await hold.ExecuteNonQueryAsync();
        }
        var blocked = recorder.RecordBatchAsync([message], whatsAppSessions, CancellationToken.None);
        await WorkerHost.WaitUntilAsync("the WhatsApp write waits for the held message key", async () =>
            await host.ScalarAsync<long>("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event = 'transactionid' AND query LIKE '%INSERT INTO messages%'
                """) > 0);

        // The same customer calls: the call finds the lead the waiting write's customer got, without waiting for that write.
        // Were the identity locks held to its commit, the call would wait for the rollback below: the limit makes that a failure.
        var callOutcome = await recorder.RecordBatchAsync([call], host.Factory.Services.GetRequiredService<VoiceSessionWriter>(), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(blocked.IsCompleted);
        await transaction.RollbackAsync();
        var messageOutcome = await blocked;

        Assert.Equal(messageOutcome.Recorded.Single().LeadId, callOutcome.Recorded.Single().LeadId);
        Assert.Equal(messageOutcome.Recorded.Single().LeadId, await host.ScalarAsync<Guid>(
            "SELECT lead_id FROM messages WHERE brand = @brand AND external_id = 'wamid.settle-1'", ("brand", brand)));
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task An_interaction_without_any_identity_is_refused_and_gives_no_one_a_lead()
    {
        var brand = Brand("batch-anonymous");
        var recorder = host.Factory.Services.GetRequiredService<InteractionRecorder>();
        var anonymous = Social(brand, "myspace", "ms-1", "ms-1:1", T0, Person(), Text("hi")); // a platform whose user id identifies no one

        var outcome = await recorder.RecordBatchAsync([anonymous], host.Factory.Services.GetRequiredService<SocialSessionWriter>(), CancellationToken.None);

        Assert.Contains("carries no customer identity", Assert.Single(outcome.Refused).Value.Message);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM all_leads WHERE brand = @brand", ("brand", brand)));
    }

    [Fact]
    public async Task Sessions_are_written_in_key_order_and_each_sessions_writes_keep_their_batch_order()
    {
        var brand = Brand("batch-order");
        var recorder = host.Factory.Services.GetRequiredService<InteractionRecorder>();
        var sessions = host.Factory.Services.GetRequiredService<WhatsAppSessionWriter>();
        // 9198...9 sorts after 9198...1, so the upserts run as: first customer's two, then the second's.
        var later = WhatsApp(brand, "919800099999", "wamid.order-1", T0, Text("hi"), name: "Ravi");
        var earlier = WhatsApp(brand, "919800011119", "wamid.order-2", T0.AddMinutes(1), Text("hello"), name: "Asha");
        var laterAgain = WhatsApp(brand, "919800099999", "wamid.order-3", T0.AddMinutes(2), Text("me again"), name: "Ravi Kumar");
        var earlierAgain = WhatsApp(brand, "919800011119", "wamid.order-4", T0.AddMinutes(3), Text("and me"), name: "Asha K");

        var outcome = await recorder.RecordBatchAsync([later, earlier, laterAgain, earlierAgain], sessions, CancellationToken.None);

        Assert.Equal([later, earlier, laterAgain, earlierAgain], outcome.Recorded.Select(recorded => recorded.Interaction)); // reported in batch order
        var rows = await host.RowsAsync("SELECT whatsapp_contact_id, customer_name, message_count FROM whatsapp_sessions WHERE brand = @brand ORDER BY 1",
            ("brand", brand));
        Assert.Equal([("919800011119", "Asha K", 2), ("919800099999", "Ravi Kumar", 2)],
            rows.Select(row => ((string)row["whatsapp_contact_id"]!, (string)row["customer_name"]!, (int)row["message_count"]!)));
    }

    [Fact]
    public async Task A_sessions_writes_in_one_batch_each_see_the_one_before_as_separate_batches_would()
    {
        var brand = Brand("batch-rounds");
        const string contact = "919800033333";
        var recorder = host.Factory.Services.GetRequiredService<InteractionRecorder>();
        var sessions = host.Factory.Services.GetRequiredService<WhatsAppSessionWriter>();
        var other = WhatsApp(brand, "919800044444", "wamid.rounds-other", T0, Text("hi"));

        var outcome = await recorder.RecordBatchAsync(
        [
            WhatsApp(brand, contact, "wamid.rounds-c1", T0, Text("Hi")),
            other,
            WhatsApp(brand, contact, "wamid.rounds-c2", T0.AddSeconds(10), Text("Anyone there?")),
            WhatsApp(brand, contact, "wamid.rounds-a1", T0.AddSeconds(30), Text("Hello! How can I help?", Senders.Agent)),
            WhatsApp(brand, contact, "wamid.rounds-c3", T0.AddSeconds(100), Text("Thanks")),
            WhatsApp(brand, contact, "wamid.rounds-a2", T0.AddSeconds(110), Text("You're welcome", Senders.Agent)),
        ], sessions, CancellationToken.None);

        Assert.Empty(outcome.Refused);
        // One transaction wrote both sessions: a statement that changed a row twice would have failed and split the batch.
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(DISTINCT xmin::text) FROM whatsapp_sessions WHERE brand = @brand", ("brand", brand)));
        var session = (await host.RowsAsync("""
            SELECT response_time_avg_seconds, response_count, awaiting_reply_since, message_count, last_message_preview
            FROM whatsapp_sessions WHERE brand = @brand AND whatsapp_contact_id = @contact
            """, ("brand", brand), ("contact", contact))).Single();
        // (30 s + 10 s) / 2: each reply stops the clock its oldest unanswered customer message started.
        Assert.Equal(20.00m, session["response_time_avg_seconds"]);
        Assert.Equal(2, session["response_count"]);
        Assert.Null(session["awaiting_reply_since"]);
        Assert.Equal(5, session["message_count"]);
        Assert.Equal("You're welcome", session["last_message_preview"]);
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT message_count FROM whatsapp_sessions WHERE brand = @brand AND whatsapp_contact_id = '919800044444'",
            ("brand", brand)));
    }

    [Fact]
    public async Task A_known_identitys_row_is_written_only_when_a_sighting_moves_its_first_seen_back_or_its_last_seen_on_by_the_precision()
    {
        var brand = Brand("batch-sightings");
        var recorder = host.Factory.Services.GetRequiredService<InteractionRecorder>();
        var sessions = host.Factory.Services.GetRequiredService<WhatsAppSessionWriter>();
        async Task RecordAsync(string id, DateTimeOffset at) =>
            Assert.Empty((await recorder.RecordBatchAsync([WhatsApp(brand, "919800055555", id, at, Text("hi"))], sessions, CancellationToken.None)).Refused);
        // The phone's row, and whether any of the customer's rows (phone, whatsapp) was written or locked: a lock sets xmax.
        async Task<(DateTime First, DateTime Last, string Version)> RowAsync()
        {
            var rows = await host.RowsAsync("""
                SELECT kind, first_seen_at, last_seen_at, xmin::text || '/' || xmax::text AS version FROM lead_identities WHERE brand = @brand ORDER BY kind
                """, ("brand", brand));
            Assert.Equal(["phone", "whatsapp"], rows.Select(row => (string)row["kind"]!));
            var phone = rows[0];
            return ((DateTime)phone["first_seen_at"]!, (DateTime)phone["last_seen_at"]!, string.Join(" ", rows.Select(row => (string)row["version"]!)));
        }

        await RecordAsync("wamid.seen-1", T0);
        var first = await RowAsync();
        Assert.Equal((T0.UtcDateTime, T0.UtcDateTime), (first.First, first.Last));

        // Within the precision: the row is neither written nor locked.
        await RecordAsync("wamid.seen-2", T0 + LeadResolver.LastSeenPrecision - TimeSpan.FromSeconds(1));
        Assert.Equal(first, await RowAsync());

        await RecordAsync("wamid.seen-3", T0 + LeadResolver.LastSeenPrecision);
        var later = await RowAsync();
        Assert.Equal((T0.UtcDateTime, (T0 + LeadResolver.LastSeenPrecision).UtcDateTime), (later.First, later.Last));
        Assert.NotEqual(first.Version, later.Version);

        // A late interaction from before the first sighting is always written.
        await RecordAsync("wamid.seen-0", T0.AddSeconds(-5));
        var earlier = await RowAsync();
        Assert.Equal((T0.AddSeconds(-5).UtcDateTime, later.Last), (earlier.First, earlier.Last));
    }

    /// <summary>What the journey does with the batch's events once they are published.</summary>
    Task ApplyJourneysAsync(BatchOutcome outcome) =>
        host.Factory.Services.GetRequiredService<LeadJourneys>().ApplyAsync(outcome.Events(), _ => Task.CompletedTask, CancellationToken.None);
}
