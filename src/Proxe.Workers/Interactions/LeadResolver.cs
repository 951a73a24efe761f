using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Proxe.Contracts;
using Proxe.Workers.Persistence;

namespace Proxe.Workers.Interactions;

/// <summary>
/// Finds the lead an interaction belongs to through lead_identities, creating it when none matches: a new customer's in
/// a transaction of its own (<see cref="SettleNewCustomersAsync"/>), the rest inside the write's transaction.
/// </summary>
public static class LeadResolver
{
    /// <summary>The advisory-lock keys of an interaction: its identities, or its call when it has none.</summary>
    public static IEnumerable<long> LockKeys(ChannelInteractionReceived interaction)
    {
        var identities = LeadIdentity.Of(interaction);
        IEnumerable<LeadIdentity> locked = identities.Count == 0
            ? interaction.Voice is { } call ? [new LeadIdentity("call_sid", call.CallSid)] : []
            : identities.Concat(LeadIdentity.AnnouncedBy(interaction));
        return locked.Select(identity => LockKey(interaction.Brand, identity));
    }

    /// <summary>
    /// Reads the leads the batch's identities have, and gives the customers none has yet their leads and identities, in a
    /// short transaction of its own: its interactions take their identities' advisory locks, so concurrent first contacts
    /// over several channels create one lead instead of racing, read those identities again under them, then insert the
    /// new leads and identities and commit. In a burst of new customers the channels' transactions wait on each other's
    /// locks; holding them for these statements, not for the whole write, is what keeps the burst short (bench/README.md,
    /// "2026-12-06 (stop 30)"). A lead whose interaction is then refused stays, with its identities, for its replay.
    /// An identity never leaves its lead, so what is read stays true. The locks are taken at once, in key order, so two
    /// transactions cannot deadlock on them (row locks taken later still can: 40P01 is retried). Interactions without
    /// identities are left to the write: a call's (<see cref="LockAsync"/>), or one refused there for having none.
    /// </summary>
    public static async Task<KnownIdentities> SettleNewCustomersAsync(NpgsqlConnection connection, IReadOnlyList<ChannelInteractionReceived> interactions,
        CancellationToken cancellationToken)
    {
        var known = new KnownIdentities();
        await ReadAsync(connection, known, interactions, [], cancellationToken);
        var newCustomers = interactions.Where(interaction => LeadIdentity.Of(interaction).Count > 0 && !IsSettled(known, interaction)).ToList();
        if (newCustomers.Count == 0)
            return known;

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ReadAsync(connection, known, newCustomers, newCustomers.SelectMany(LockKeys).Distinct().Order().ToArray(), cancellationToken);
        foreach (var interaction in newCustomers)
            if (!IsSettled(known, interaction)) // a customer the locks waited for, or an earlier interaction of this batch, settled
                Resolve(known, interaction);
        await CreateLeadsAsync(connection, known, cancellationToken);
        if (AttachIdentities(connection, known) is { } identities)
            await using (identities)
                await identities.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return known;
    }

    /// <summary>
    /// Within the write's transaction, after <see cref="SettleNewCustomersAsync"/>: the calls without identities take their
    /// call's advisory lock, as their lead is found through the call's session, which the write stores.
    /// </summary>
    public static async Task LockAsync(NpgsqlConnection connection, KnownIdentities known, IReadOnlyList<ChannelInteractionReceived> interactions,
        CancellationToken cancellationToken)
    {
        var unsettled = interactions.Where(interaction => !IsSettled(known, interaction)).ToList();
        var keys = unsettled.SelectMany(LockKeys).Distinct().Order().ToArray();
        if (keys.Length > 0)
            await ReadAsync(connection, known, unsettled, keys, cancellationToken);
    }

    static bool IsSettled(KnownIdentities known, ChannelInteractionReceived interaction) => known.HasAll(interaction.Brand, AllIdentities(interaction));

    static List<LeadIdentity> AllIdentities(ChannelInteractionReceived interaction) =>
        LeadIdentity.Of(interaction).Concat(LeadIdentity.AnnouncedBy(interaction)).ToList();

    /// <summary>
    /// Takes the locks, then reads the leads the interactions' identities have, in a statement of its own so its snapshot
    /// follows the locks; one round trip.
    /// </summary>
    static async Task ReadAsync(NpgsqlConnection connection, KnownIdentities known, IReadOnlyList<ChannelInteractionReceived> interactions,
        long[] lockKeys, CancellationToken cancellationToken)
    {
        var wanted = interactions
            .SelectMany(interaction => AllIdentities(interaction).Select(identity => (interaction.Brand, identity)))
            .Distinct()
            .ToList();
        if (wanted.Count == 0 && lockKeys.Length == 0)
            return;
        // One index probe per identity: as a plain join, the prepared statement's generic plan hashes a scan of the whole
        // table (it cannot know the arrays hold a few values).
        await using var command = connection.Command("""
            SELECT count(pg_advisory_xact_lock(key)) FROM unnest(@keys) AS key;
            SELECT wanted.position, i.lead_id
            FROM unnest(@brands, @kinds, @values) WITH ORDINALITY AS wanted(brand, kind, value, position)
            CROSS JOIN LATERAL (SELECT lead_id FROM lead_identities
                                WHERE brand = wanted.brand AND kind = wanted.kind AND value = wanted.value LIMIT 1) i
            """)
            .With("keys", lockKeys, NpgsqlDbType.Array | NpgsqlDbType.Bigint)
            .WithTexts("brands", wanted.Select(w => w.Brand))
            .WithTexts("kinds", wanted.Select(w => w.identity.Kind))
            .WithTexts("values", wanted.Select(w => w.identity.Value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (brand, identity) = wanted[(int)reader.GetInt64(0) - 1];
            known.Attach(brand, [identity], reader.GetGuid(1));
        }
    }

    /// <summary>An interaction without identities that finds its lead through its call's session, as written so far.</summary>
    public static bool ResolvesByCall(ChannelInteractionReceived interaction) => interaction.Voice is not null && LeadIdentity.Of(interaction).Count == 0;

    /// <summary>
    /// With what <see cref="SettleNewCustomersAsync"/> and <see cref="LockAsync"/> read, under their locks. A new lead gets its id
    /// here and is inserted with the transaction's other new leads (<see cref="CreateLeadsAsync"/>); the identities'
    /// sightings are kept in <paramref name="known"/>.
    /// </summary>
    public static async Task<Guid> ResolveAsync(NpgsqlConnection connection, KnownIdentities known, ChannelInteractionReceived interaction,
        CancellationToken cancellationToken)
    {
        if (LeadIdentity.Of(interaction).Count > 0)
            return Resolve(known, interaction);
        return interaction.Voice is { } call
            ? await ResolveByCallAsync(connection, known, interaction, call.CallSid, cancellationToken)
            : throw new InvalidOperationException($"Interaction {interaction.InteractionId} carries no customer identity.");
    }

    static Guid Resolve(KnownIdentities known, ChannelInteractionReceived interaction)
    {
        var leadId = known.Find(interaction.Brand, LeadIdentity.Of(interaction)) ?? known.Create(interaction);
        known.Sighted(interaction.Brand, AllIdentities(interaction).Distinct(), leadId, interaction.OccurredAt);
        return leadId;
    }

    /// <summary>
    /// Twilio recording callbacks carry no numbers and anonymous callers have none: such events belong to the lead
    /// their call already has, or start a lead of their own that later events of the same call find.
    /// </summary>
    static async Task<Guid> ResolveByCallAsync(NpgsqlConnection connection, KnownIdentities known, ChannelInteractionReceived interaction,
        string callSid, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT lead_id FROM voice_sessions WHERE brand = @brand AND call_sid = @call_sid")
            .With("brand", interaction.Brand)
            .With("call_sid", callSid);
        return await command.ExecuteScalarAsync(cancellationToken) is Guid leadId ? leadId : known.Create(interaction);
    }

    static long LockKey(string brand, LeadIdentity identity)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"lead-identity\n{brand}\n{identity.Kind}\n{identity.Value}"), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>
    /// Inserts the leads <see cref="KnownIdentities.Create"/> gave ids since the last call, in one statement, each starting
    /// at its interaction's channel. The conflict clause finds a lead that has the phone but no identity rows yet (migrated
    /// from the legacy sessions table), instead of failing on the unique phone: the new lead's id becomes that lead's in
    /// <paramref name="known"/>.
    /// </summary>
    public static async Task CreateLeadsAsync(NpgsqlConnection connection, KnownIdentities known, CancellationToken cancellationToken)
    {
        var created = known.TakeCreated();
        if (created.Count == 0)
            return;
        var customers = created.Select(lead => lead.Interaction.Customer).ToList();
        await using var command = connection.Command("""
            INSERT INTO all_leads AS l (id, brand, customer_name, email, phone, customer_phone_normalized,
                                        first_touchpoint, first_interaction_at, last_touchpoint, last_interaction_at)
            SELECT id, brand, name, email, phone, phone_normalized, channel, occurred_at, channel, occurred_at
            FROM unnest(@ids, @brands, @names, @emails, @phones, @phones_normalized, @channels, @occurred_at) WITH ORDINALITY
                AS n(id, brand, name, email, phone, phone_normalized, channel, occurred_at, position)
            ORDER BY position
            ON CONFLICT (brand, customer_phone_normalized) WHERE customer_phone_normalized IS NOT NULL
            DO UPDATE SET updated_at = l.updated_at
            RETURNING l.id, l.brand, l.customer_phone_normalized
            """)
            .With("ids", created.Select(lead => lead.Id).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid)
            .WithTexts("brands", created.Select(lead => lead.Interaction.Brand))
            .WithTexts("names", customers.Select(customer => customer.Name))
            .WithTexts("emails", customers.Select(customer => customer.Email))
            .WithTexts("phones", customers.Select(LeadIdentity.StoredPhone))
            .WithTexts("phones_normalized", customers.Select(LeadIdentity.NormalizedPhone))
            .WithTexts("channels", created.Select(lead => lead.Interaction.Channel))
            .With("occurred_at", created.Select(lead => lead.Interaction.OccurredAt.UtcDateTime).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.TimestampTz);
        // A conflict row is found by its brand and phone: no two leads of one write have the same phone (the first one took it as an identity).
        var givenIds = created
            .Select(lead => (lead.Id, lead.Interaction.Brand, Phone: LeadIdentity.NormalizedPhone(lead.Interaction.Customer)))
            .Where(lead => lead.Phone is not null)
            .ToDictionary(lead => (Sql.WithoutNul(lead.Brand), Sql.WithoutNul(lead.Phone)), lead => lead.Id);
        var standsFor = new Dictionary<Guid, Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                if (!reader.IsDBNull(2) && givenIds.TryGetValue((reader.GetString(1), reader.GetString(2)), out var given) && given != reader.GetGuid(0))
                    standsFor[given] = reader.GetGuid(0);
        foreach (var (given, existing) in standsFor)
            known.Replace(given, existing);
    }

    /// <summary>
    /// How far an identity's last_seen_at may trail its latest sighting, in provider time. A known customer's identities
    /// are seen with every interaction, by every channel's transactions: refreshed at most this often, most interactions
    /// leave those shared rows alone instead of updating and locking them (they were the most updated rows of a load run:
    /// bench/README.md, "2026-12-06 (stop 31)"). first_seen_at is always exact.
    /// </summary>
    public static readonly TimeSpan LastSeenPrecision = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The identities sighted since the last call, one row each, in one statement: a new identity joins its lead, one
    /// another lead already has stays with it (<see cref="KnownIdentities.Sighted"/> kept only its owner's sightings).
    /// A stored row is read first and only updated when the sighting moves first_seen_at back or last_seen_at on by at
    /// least <see cref="LastSeenPrecision"/>, so the others are neither written nor locked. Skipping on a stale read is safe:
    /// only this statement writes the two columns, and they only move outwards.
    /// </summary>
    public static NpgsqlCommand? AttachIdentities(NpgsqlConnection connection, KnownIdentities known)
    {
        var sightings = known.TakeSightings();
        if (sightings.Count == 0)
            return null;
        // A lateral probe per sighting: as a plain join, the prepared statement's generic plan could scan the whole table.
        return connection.Command("""
            INSERT INTO lead_identities AS i (brand, kind, value, lead_id, first_seen_at, last_seen_at)
            SELECT s.brand, s.kind, s.value, s.lead_id, s.first_seen, s.last_seen
            FROM unnest(@brands, @kinds, @values, @lead_ids, @first_seen, @last_seen) AS s(brand, kind, value, lead_id, first_seen, last_seen)
            LEFT JOIN LATERAL (SELECT lead_id, first_seen_at, last_seen_at FROM lead_identities
                               WHERE brand = s.brand AND kind = s.kind AND value = s.value LIMIT 1) stored ON true
            WHERE stored.lead_id IS NULL
               OR (stored.lead_id = s.lead_id AND (s.first_seen < stored.first_seen_at OR s.last_seen >= stored.last_seen_at + @precision))
            ORDER BY s.brand, s.kind, s.value -- one order for every transaction: these row locks never deadlock one another
            ON CONFLICT (brand, kind, value) DO UPDATE
                SET first_seen_at = least(i.first_seen_at, excluded.first_seen_at),
                    last_seen_at = greatest(i.last_seen_at, excluded.last_seen_at)
                WHERE i.lead_id = excluded.lead_id
            """)
            .WithTexts("brands", sightings.Select(s => s.Brand))
            .WithTexts("kinds", sightings.Select(s => s.Identity.Kind))
            .WithTexts("values", sightings.Select(s => s.Identity.Value))
            .With("lead_ids", sightings.Select(s => s.LeadId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid)
            .With("first_seen", sightings.Select(s => s.FirstSeen.UtcDateTime).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            .With("last_seen", sightings.Select(s => s.LastSeen.UtcDateTime).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            .With("precision", LastSeenPrecision, NpgsqlDbType.Interval);
    }
}

/// <summary>The leads a batch's identities belong to, as its transactions have them so far.</summary>
public sealed class KnownIdentities
{
    readonly Dictionary<(string Brand, LeadIdentity Identity), Guid> _leads = [];
    List<(Guid Id, ChannelInteractionReceived Interaction)> _created = [];

    /// <summary>The id of a new lead, starting with <paramref name="interaction"/>; inserted by <see cref="LeadResolver.CreateLeadsAsync"/>.</summary>
    public Guid Create(ChannelInteractionReceived interaction)
    {
        var id = Guid.CreateVersion7();
        _created.Add((id, interaction));
        return id;
    }

    /// <summary>The new leads since the last call, in the order they were created.</summary>
    public List<(Guid Id, ChannelInteractionReceived Interaction)> TakeCreated()
    {
        var created = _created;
        _created = [];
        return created;
    }

    /// <summary>A new lead turned out to be an existing one: what was attached or sighted on it is that lead's.</summary>
    public void Replace(Guid created, Guid existing)
    {
        foreach (var key in _leads.Where(lead => lead.Value == created).Select(lead => lead.Key).ToList())
            _leads[key] = existing;
        foreach (var key in _sightings.Where(sighting => sighting.Value.LeadId == created).Select(sighting => sighting.Key).ToList())
            _sightings[key] = _sightings[key] with { LeadId = existing };
    }

    /// <summary>Whether every one of the identities has a lead; none (a call without identities) has not.</summary>
    public bool HasAll(string brand, IReadOnlyList<LeadIdentity> identities) =>
        identities.Count > 0 && identities.All(identity => _leads.ContainsKey((brand, identity)));

    /// <summary>Identities pointing at two leads are not merged: the strongest identity wins, the others stay where they are.</summary>
    public Guid? Find(string brand, IReadOnlyList<LeadIdentity> identities) => identities
        .Where(identity => _leads.ContainsKey((brand, identity)))
        .Select(identity => (Guid?)_leads[(brand, identity)])
        .FirstOrDefault(); // identities come strongest first

    /// <summary>As the identity insert does: a new identity joins the lead, one another lead already has stays with it.</summary>
    public void Attach(string brand, IEnumerable<LeadIdentity> identities, Guid leadId)
    {
        foreach (var identity in identities)
            _leads.TryAdd((brand, identity), leadId);
    }

    readonly Dictionary<(string Brand, LeadIdentity Identity), (Guid LeadId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen)> _sightings = [];

    /// <summary>
    /// An interaction's identities, seen on its lead at <paramref name="at"/>: attached as <see cref="Attach"/> does, and
    /// kept for the identity upsert when the identity is its lead's (a sighting on another lead would change nothing).
    /// </summary>
    public void Sighted(string brand, IEnumerable<LeadIdentity> identities, Guid leadId, DateTimeOffset at)
    {
        foreach (var identity in identities)
        {
            var key = (brand, identity);
            if (!_leads.TryAdd(key, leadId) && _leads[key] != leadId)
                continue;
            _sightings[key] = _sightings.TryGetValue(key, out var seen)
                ? (leadId, at < seen.FirstSeen ? at : seen.FirstSeen, at > seen.LastSeen ? at : seen.LastSeen)
                : (leadId, at, at);
        }
    }

    /// <summary>The sightings since the last call, one per identity.</summary>
    public List<(string Brand, LeadIdentity Identity, Guid LeadId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen)> TakeSightings()
    {
        var sightings = _sightings.Select(s => (s.Key.Brand, s.Key.Identity, s.Value.LeadId, s.Value.FirstSeen, s.Value.LastSeen)).ToList();
        _sightings.Clear();
        return sightings;
    }
}
