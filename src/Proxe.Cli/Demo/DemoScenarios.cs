using System.Text.Json;
using Proxe.Contracts;

namespace Proxe.Cli.Demo;

/// <summary>One of the seed's "Key Data Flows": a customer, the interactions in the order they happen, and the expected lead.</summary>
public sealed record DemoScenario(int Number, string Title, string CustomerName, string PhoneNational, string FirstTouchpoint, string LastTouchpoint,
    IReadOnlyList<DemoInteraction> Steps)
{
    /// <summary>As unified_leads.phone holds it: digits, country code first.</summary>
    public string Phone => "91" + PhoneNational;

    public string PhoneDisplay => $"+91 {PhoneNational[..5]} {PhoneNational[5..]}";

    public IReadOnlyList<string> Channels => Steps.Select(s => s.Channel).Distinct().Order(StringComparer.Ordinal).ToList();

    public int MessageCount => Steps.Count(s => s.Message is not null);

    public DateTimeOffset LastOccurredAt => Steps.Max(s => s.OccurredAt);
}

/// <summary>
/// The seed's three scenarios for one run. The run id sits in the phones' last digits and in every external id, so each
/// run makes three new leads; the same run id posted again is the same interactions (the gateway's ids are deterministic).
/// </summary>
public static class DemoScenarios
{
    static readonly TimeSpan India = TimeSpan.FromHours(5.5);

    public static IReadOnlyList<DemoScenario> Create(string brand, string runId, DateTimeOffset now)
    {
        // Whole seconds in the brand's time zone, all in the past: the gateway refuses times in the future.
        var today = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).ToOffset(India);
        return [WhatsAppOnly(brand, runId, today), WebThenWhatsApp(brand, runId, today), VoiceWebWhatsApp(brand, runId, today)];
    }

    /// <summary>Indian mobile numbers 987 + run id + scenario number.</summary>
    public static string PhoneNational(string runId, int scenario) => $"987{runId}{scenario}";

    static DemoScenario WhatsAppOnly(string brand, string runId, DateTimeOffset now)
    {
        const string name = "John Mathew";
        var phone = PhoneNational(runId, 1);
        var wa = WhatsAppContact(phone);
        var at = now.AddMinutes(-50);
        var customer = new CustomerInfo { Name = name, Phone = "+" + wa };
        return new DemoScenario(1, "WhatsApp-only customer", name, phone, Channels.WhatsApp, Channels.WhatsApp,
        [
            WhatsApp(brand, $"wamid.demo{runId}.1.1", at, customer, wa, Customer("Hi, is the 3 BHK at Lakeview still available?", "availability", "positive")),
            WhatsApp(brand, $"wamid.demo{runId}.1.2", at.AddMinutes(1), customer, wa, Agent("Yes! 3 BHKs at Lakeview start at ₹1.2 Cr. Would you like a site visit?")),
            WhatsApp(brand, $"wamid.demo{runId}.1.3", at.AddMinutes(4), customer, wa, Customer("Saturday morning would be great.", "book_visit", "positive")),
            WhatsApp(brand, $"wamid.demo{runId}.1.4", at.AddMinutes(5), customer, wa, Agent("Booked: Saturday 11:00 at the Lakeview site office. See you there!")),
        ]);
    }

    static DemoScenario WebThenWhatsApp(string brand, string runId, DateTimeOffset now)
    {
        const string name = "Priya Sharma";
        var phone = PhoneNational(runId, 2);
        var wa = WhatsAppContact(phone);
        var web = now.AddDays(-2).AddHours(-3);
        var session = $"web-demo-{runId}-2";
        var visitor = new CustomerInfo { Name = name, Email = $"priya.{runId}@example.com", Phone = "0" + phone[..5] + " " + phone[5..] };
        var saturday = NextSaturday(web);
        var booked = Web(session, "confirmed", saturday, $"evt-demo-{runId}-2", "Wants a 3 BHK at Lakeview; site visit booked for Saturday 11:00.");
        var onWhatsApp = new CustomerInfo { Name = name, Phone = "+" + wa };
        var later = now.AddDays(-1).AddHours(-2);
        return new DemoScenario(2, "Web first, then WhatsApp", name, phone, Channels.Web, Channels.WhatsApp,
        [
            WebStep(brand, $"chat-demo-{runId}-2-1", web, visitor, Web(session, "pending", null, null, null),
                Customer("I'd like to book a site visit for the 3 BHK.", "book_visit", "positive")),
            WebStep(brand, $"chat-demo-{runId}-2-2", web.AddSeconds(20), visitor, booked,
                Agent($"Done: {saturday:dddd d MMM} at 11:00 is booked. A calendar invite is on its way.")),
            WhatsApp(brand, $"wamid.demo{runId}.2.1", later, onWhatsApp, wa, Customer("Hi, can I bring my parents to Saturday's visit?", "visit_question", "positive")),
            WhatsApp(brand, $"wamid.demo{runId}.2.2", later.AddMinutes(2), onWhatsApp, wa, Agent("Of course, they're very welcome. See you all on Saturday!")),
        ]);
    }

    static DemoScenario VoiceWebWhatsApp(string brand, string runId, DateTimeOffset now)
    {
        const string name = "Ravi Kumar";
        var phone = PhoneNational(runId, 3);
        var wa = WhatsAppContact(phone);
        var call = now.AddDays(-3).AddHours(-5);
        var callSid = $"CAdemo{runId}3";
        var caller = new CustomerInfo { Phone = $"+91 {phone[..5]} {phone[5..]}" };
        const string transcript = "I'm looking for a 2 BHK near the lake, budget around 90 lakhs.";
        var web = now.AddDays(-2).AddHours(-1);
        var session = $"web-demo-{runId}-3";
        var form = new CustomerInfo { Name = name, Email = $"ravi.{runId}@example.com", Phone = "0" + phone[..5] + " " + phone[5..] };
        var onWhatsApp = new CustomerInfo { Name = name, Phone = wa };
        var chat = now.AddHours(-1);
        return new DemoScenario(3, "Voice first, then Web, then WhatsApp", name, phone, Channels.Voice, Channels.WhatsApp,
        [
            Voice(brand, $"{callSid}:incoming", call, caller, new VoiceDetail { CallSid = callSid, CallDirection = "inbound", CallStatus = "ringing" },
                new InteractionMessage { Sender = Senders.System, Content = "Incoming call", Type = "call_started" }),
            Voice(brand, $"{callSid}:customer-1", call.AddSeconds(20), caller, new VoiceDetail { CallSid = callSid },
                new InteractionMessage { Sender = Senders.Customer, Content = transcript, Type = "transcription" }),
            Voice(brand, $"{callSid}:agent-1", call.AddSeconds(35), caller, new VoiceDetail { CallSid = callSid },
                new InteractionMessage { Sender = Senders.Agent, Content = "We have two options at Lakeview. I'll send you the brochure and a link to book.", Type = "transcription" }),
            Voice(brand, $"{callSid}:status:completed", call.AddMinutes(4), caller,
                new VoiceDetail
                {
                    CallSid = callSid, CallDirection = "inbound", CallStatus = "completed", CallDurationSeconds = 240,
                    Transcription = transcript, CallSummary = "Wants a 2 BHK near the lake, budget ~90L; brochure promised.",
                },
                new InteractionMessage { Sender = Senders.System, Content = "Call ended (4 min)", Type = "call_ended" }),
            WebStep(brand, $"form-demo-{runId}-3-1", web, form, Web(session, "pending", null, null, "Enquiry form: 2 BHK, budget 90L."),
                Customer("Enquiry form: 2 BHK near the lake, budget 90 lakhs.", "enquiry", "neutral")),
            WebStep(brand, $"form-demo-{runId}-3-2", web.AddSeconds(30), form, Web(session, "pending", null, null, "Enquiry form: 2 BHK, budget 90L."),
                Agent("Thanks Ravi, we've shortlisted three units for you.")),
            WhatsApp(brand, $"wamid.demo{runId}.3.1", chat, onWhatsApp, wa, Customer("Hi, got the brochure. Is a visit on Sunday possible?", "book_visit", "positive")),
            WhatsApp(brand, $"wamid.demo{runId}.3.2", chat.AddMinutes(1), onWhatsApp, wa, Agent("Yes, Sunday 10:00 is booked for you. See you then!")),
        ]);
    }

    /// <summary>WhatsApp's wa_id: the international number without the plus.</summary>
    static string WhatsAppContact(string phoneNational) => "91" + phoneNational;

    static DateOnly NextSaturday(DateTimeOffset from)
    {
        var date = DateOnly.FromDateTime(from.DateTime);
        var days = ((int)DayOfWeek.Saturday - (int)date.DayOfWeek + 7) % 7;
        return date.AddDays(days == 0 ? 7 : days);
    }

    static InteractionMessage Customer(string content, string intent, string sentiment) => new()
    {
        Sender = Senders.Customer,
        Content = content,
        Metadata = JsonSerializer.SerializeToElement(new { intent, sentiment }),
    };

    static InteractionMessage Agent(string content) => new() { Sender = Senders.Agent, Content = content };

    static WebDetail Web(string session, string bookingStatus, DateOnly? bookingDate, string? googleEventId, string? summary) => new()
    {
        ExternalSessionId = session,
        ChatSessionId = "chat-" + session,
        WebsiteUrl = "https://proxe.example/projects/lakeview",
        BookingStatus = bookingStatus,
        BookingDate = bookingDate,
        BookingTime = bookingDate is null ? null : new TimeOnly(11, 0),
        GoogleEventId = googleEventId,
        ConversationSummary = summary,
    };

    static DemoInteraction WebStep(string brand, string eventId, DateTimeOffset at, CustomerInfo customer, WebDetail web, InteractionMessage message) => new()
    {
        Brand = brand, Channel = Channels.Web, ExternalEventId = eventId, OccurredAt = at, Customer = customer, Message = message, Web = web,
    };

    static DemoInteraction WhatsApp(string brand, string eventId, DateTimeOffset at, CustomerInfo customer, string contactId, InteractionMessage message) => new()
    {
        Brand = brand, Channel = Channels.WhatsApp, ExternalEventId = eventId, OccurredAt = at, Customer = customer, Message = message,
        WhatsApp = new WhatsAppDetail { ContactId = contactId },
    };

    static DemoInteraction Voice(string brand, string eventId, DateTimeOffset at, CustomerInfo caller, VoiceDetail voice, InteractionMessage message) => new()
    {
        Brand = brand, Channel = Channels.Voice, ExternalEventId = eventId, OccurredAt = at, Customer = caller, Message = message, Voice = voice,
    };
}
