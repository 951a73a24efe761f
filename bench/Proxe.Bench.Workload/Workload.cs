using Proxe.Contracts;
using Proxe.Gateway.Interactions;

namespace Proxe.Bench.Workload;

public sealed record WorkloadOptions
{
    /// <summary>Posts in total, repeats included.</summary>
    public int Interactions { get; init; } = 20_000;
    public int Leads { get; init; } = 2_000;
    public IReadOnlyList<string> Channels { get; init; } = Proxe.Contracts.Channels.All;

    /// <summary>Share of posts that repeat an earlier interaction, as a provider redelivers a webhook.</summary>
    public double RepeatRatio { get; init; } = 0.05;

    /// <summary>Share of interactions delivered late: after the same lead's next interaction, as providers and retries reorder webhooks.</summary>
    public double OutOfOrderRatio { get; init; } = 0.05;
    public int Seed { get; init; } = 20_261_126;
}

/// <summary>One post: the body the gateway takes (its own request type, so the shape cannot drift), for which lead.</summary>
public sealed record GeneratedInteraction(int Lead, bool IsRepeat, InteractionRequest Request)
{
    /// <summary>Delivered after a newer interaction of the same lead (its occurred_at is older than what came before it).</summary>
    public bool IsLate { get; init; }
}

/// <summary>
/// A reproducible stream of interactions as a brand's channels produce them: many leads, each using one to all of the
/// channels (web chat, WhatsApp, calls of three status events, Instagram DMs), customer messages and agent replies,
/// and some posts repeated later (redeliveries). Every interaction carries a message, so each distinct one is one row
/// in messages.
/// </summary>
public sealed class Workload
{
    public required IReadOnlyList<GeneratedInteraction> Items { get; init; }

    /// <summary>Different interactions among <see cref="Items"/>: the rows messages will hold.</summary>
    public required int Distinct { get; init; }

    /// <summary>Leads with at least one interaction: the rows all_leads will hold.</summary>
    public required int LeadsUsed { get; init; }

    /// <summary>Distinct interactions delivered after a newer one of the same lead.</summary>
    public required int Late { get; init; }

    public static Workload Generate(BenchRun run, WorkloadOptions options, DateTimeOffset now)
    {
        if (options.Interactions < 1)
            throw new ArgumentException("At least one interaction is needed.", nameof(options));
        if (options.Leads is < 1 or > BenchRun.MaxLeads)
            throw new ArgumentException($"Leads must be between 1 and {BenchRun.MaxLeads - 1}.", nameof(options));
        if (options.OutOfOrderRatio is < 0 or >= 1)
            throw new ArgumentException("OutOfOrderRatio must be in [0, 1).", nameof(options));
        if (options.Channels.Count == 0 || options.Channels.Any(channel => !Channels.IsKnown(channel)))
            throw new ArgumentException($"Channels must be among {string.Join(", ", Channels.All)}.", nameof(options));

        var random = new Random(options.Seed);
        var repeats = Math.Min((int)Math.Round(options.Interactions * options.RepeatRatio), options.Interactions - 1);
        var distinct = options.Interactions - repeats;
        var leads = Enumerable.Range(0, options.Leads).Select(lead => new LeadPlan(lead, ChannelsOf(random, options.Channels))).ToArray();

        // Oldest first, 50 ms apart, ending now: plausible to the gateway (not in the future) and in provider order.
        var first = now.AddMilliseconds(-50.0 * distinct);
        var items = new List<(double Order, GeneratedInteraction Item)>(options.Interactions);
        for (var i = 0; i < distinct; i++)
        {
            var lead = leads[random.Next(leads.Length)];
            var channel = lead.Channels[random.Next(lead.Channels.Length)];
            var at = DateTimeOffset.FromUnixTimeMilliseconds(first.AddMilliseconds(50.0 * i).ToUnixTimeMilliseconds());
            items.Add((i, new GeneratedInteraction(lead.Number, false, Interaction(run, random, lead, channel, $"{run.ExternalIdPrefix}{i}", at))));
        }

        // A late interaction arrives just after the same lead's next one (the last of a lead cannot be late).
        var nextOfLead = new int[distinct];
        var lastOfLead = new Dictionary<int, int>();
        for (var i = distinct - 1; i >= 0; i--)
        {
            nextOfLead[i] = lastOfLead.GetValueOrDefault(items[i].Item.Lead, -1);
            lastOfLead[items[i].Item.Lead] = i;
        }
        // Neither end of a swap is part of another one, so each late interaction really arrives after a newer one.
        var swapped = new HashSet<int>();
        var late = 0;
        var wantedLate = (int)Math.Round(distinct * options.OutOfOrderRatio);
        foreach (var i in Enumerable.Range(0, distinct).OrderBy(_ => random.Next()))
        {
            if (late == wantedLate)
                break;
            if (nextOfLead[i] < 0 || swapped.Contains(i) || !swapped.Add(nextOfLead[i]))
                continue;
            swapped.Add(i);
            items[i] = (nextOfLead[i] + 0.25 + random.NextDouble() * 0.5, items[i].Item with { IsLate = true });
            late++;
        }

        // A redelivery arrives some time after the original, anywhere later in the stream.
        for (var r = 0; r < repeats; r++)
        {
            var original = random.Next(distinct);
            var order = items[original].Order + 0.5 + random.NextDouble() * (distinct - items[original].Order);
            items.Add((order, items[original].Item with { IsRepeat = true }));
        }

        var ordered = items.OrderBy(item => item.Order).Select(item => item.Item).ToList();
        var used = ordered.Select(item => item.Lead).Distinct().ToList();
        foreach (var lead in used)
            CheckPhones(run, lead);

        return new Workload { Items = ordered, Distinct = distinct, LeadsUsed = used.Count, Late = late };
    }

    static string[] ChannelsOf(Random random, IReadOnlyList<string> channels)
    {
        // Most customers stay on one channel; some come back on a second or third.
        var roll = random.NextDouble();
        var count = Math.Min(channels.Count, roll < 0.5 ? 1 : roll < 0.8 ? 2 : roll < 0.95 ? 3 : 4);
        return channels.OrderBy(_ => random.Next()).Take(count).ToArray();
    }

    sealed class LeadPlan(int number, string[] channels)
    {
        public int Number { get; } = number;
        public string[] Channels { get; } = channels;
        public Dictionary<string, int> Sent { get; } = new(StringComparer.Ordinal);

        public int Next(string channel)
        {
            Sent.TryGetValue(channel, out var sent);
            Sent[channel] = sent + 1;
            return sent;
        }
    }

    static InteractionRequest Interaction(BenchRun run, Random random, LeadPlan lead, string channel, string externalId, DateTimeOffset at)
    {
        var n = lead.Next(channel);
        var name = Names[lead.Number % Names.Length];
        var national = run.NationalPhone(lead.Number);
        var international = $"+91 {national[..5]} {national[5..]}";
        var sender = n % 2 == 0 || random.NextDouble() < 0.2 ? Senders.Customer : Senders.Agent;
        var text = sender == Senders.Customer ? Pick(random, CustomerLines) : Pick(random, AgentLines);
        var request = new InteractionRequest { Channel = channel, ExternalEventId = externalId, OccurredAt = at };

        return channel switch
        {
            Channels.Web => request with
            {
                Customer = new CustomerInfo { Name = name, Email = $"{name.ToLowerInvariant()}.{lead.Number}.{run.Id}@example.com", Phone = "0" + national },
                Message = Message(sender, text),
                Web = new WebDetail
                {
                    ExternalSessionId = $"{run.ExternalIdPrefix}web-{lead.Number}",
                    WebsiteUrl = "https://example.com/projects/lakeview",
                    BookingStatus = n == 3 ? "pending" : n == 5 ? "confirmed" : null,
                    BookingDate = n == 5 ? DateOnly.FromDateTime(at.UtcDateTime.AddDays(3)) : null,
                    BookingTime = n == 5 ? new TimeOnly(11, 0) : null,
                    ConversationSummary = n % 4 == 3 ? $"Asked about {Pick(random, Topics)}." : null,
                },
            },
            Channels.WhatsApp => request with
            {
                Customer = new CustomerInfo { Name = name, Phone = international },
                Message = Message(sender, text),
                WhatsApp = new WhatsAppDetail
                {
                    PhoneNumberId = "106540352242922",
                    BusinessAccountId = "102290129340398",
                    ContactId = run.NormalizedPhone(lead.Number),
                },
            },
            Channels.Voice => Call(request, run, random, lead.Number, n, name, international),
            _ => request with
            {
                Customer = new CustomerInfo
                {
                    Name = name, Phone = international, Platform = Platforms.Instagram,
                    PlatformUserId = InstagramId(run, lead.Number), Username = $"{name.ToLowerInvariant()}_{run.Id}_{lead.Number}",
                },
                Message = Message(sender, text),
                Social = new SocialDetail
                {
                    Platform = Platforms.Instagram,
                    PlatformUserId = InstagramId(run, lead.Number),
                    PlatformUsername = $"{name.ToLowerInvariant()}_{run.Id}_{lead.Number}",
                    EngagementType = "dm",
                },
            },
        };
    }

    /// <summary>Every third voice event of a lead starts a new call: ringing, in progress (with a transcript line), completed.</summary>
    static InteractionRequest Call(InteractionRequest request, BenchRun run, Random random, int lead, int n, string name, string phone)
    {
        var step = n % 3;
        return request with
        {
            Customer = new CustomerInfo { Name = name, Phone = phone },
            Message = step switch
            {
                0 => Message(Senders.System, "Incoming call started."),
                1 => Message(Senders.Customer, Pick(random, CustomerLines)),
                _ => Message(Senders.System, "Call completed."),
            },
            Voice = new VoiceDetail
            {
                CallSid = $"CA{run.Id}{lead:D5}{n / 3:D4}",
                PhoneNumber = "+918047001234",
                CallDirection = "inbound",
                CallStatus = step switch { 0 => "ringing", 1 => "in-progress", _ => "completed" },
                SequenceNumber = step,
                CallDurationSeconds = step == 2 ? 30 + random.Next(600) : null,
            },
        };
    }

    static InteractionMessageRequest Message(string sender, string content) => new() { Sender = sender, Content = content, Type = "text" };

    static string InstagramId(BenchRun run, int lead) => $"17841{run.PhoneTag:D4}{lead:D5}";

    static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    /// <summary>The gateway must turn both spellings into the run's phone, or leads would split and the counts would not add up.</summary>
    static void CheckPhones(BenchRun run, int lead)
    {
        var national = run.NationalPhone(lead);
        foreach (var phone in new[] { "0" + national, $"+91 {national[..5]} {national[5..]}" })
            if (Proxe.Domain.Phones.Normalize(phone, "IN") != run.NormalizedPhone(lead))
                throw new InvalidOperationException($"Phone {phone} does not normalize to {run.NormalizedPhone(lead)}.");
    }

    static readonly string[] Names = ["Asha", "Rahul", "Priya", "Vikram", "Neha", "Arjun", "Kavya", "Rohan", "Meera", "Sanjay", "Divya", "Karthik"];
    static readonly string[] Topics = ["the 2BHK at Lakeview", "a site visit", "home loan options", "the possession date", "the 3BHK price"];

    static readonly string[] CustomerLines =
    [
        "Hi, is the 2BHK at Lakeview still available?",
        "What is the price for the 3BHK on a higher floor?",
        "Can I book a site visit this Saturday morning?",
        "Do you have any offers for first-time buyers? We are looking to move in by March.",
        "Is there covered parking, and how far is the metro station from the project?",
        "Please call me back after 6 pm.",
        "Thanks!",
    ];

    static readonly string[] AgentLines =
    [
        "Yes, a few 2BHK units are still open. Would you like the floor plans?",
        "The 3BHK starts at 1.2 Cr; higher floors are about 4% more.",
        "Saturday 11:00 works. I have booked the visit for you.",
        "We have a 2% early-bird discount this month, and our partner banks pre-approve loans within a week.",
        "Sure, I will call you after 6 pm.",
    ];
}
