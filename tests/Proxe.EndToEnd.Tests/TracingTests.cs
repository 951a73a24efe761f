using System.Collections;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Proxe.Contracts;
using static Proxe.EndToEnd.Tests.Posts;

namespace Proxe.EndToEnd.Tests;

/// <summary>
/// The gateway and the workers with the tracing ServiceDefaults configures, recording every span (as with an OTLP
/// endpoint) into an in-memory exporter per service.
/// </summary>
public sealed class TracedEndToEndHost : EndToEndHost
{
    public SpanList Spans { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(Spans));
}

public sealed class TracingTests(TracedEndToEndHost host) : IClassFixture<TracedEndToEndHost>
{
    [Fact]
    public async Task One_trace_runs_from_a_signed_WhatsApp_webhook_to_the_workers_INSERT_and_the_journey_and_names_no_customer_data()
    {
        var brand = host.Brand("proxe1");
        const string waId = "919812345678", name = "Priya Raman", text = "Is the 3BHK at Lakeview still available?";
        var messageId = $"wamid.trace-{Guid.NewGuid():N}";
        var interactionId = EndToEndHost.InteractionId(brand, Channels.WhatsApp, messageId);

        var response = await host.PostWhatsAppAsync(WhatsAppText(brand, waId, name, messageId, T0, text));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await host.WaitForJourneyAsync(interactionId);

        // Found from this interaction's publish: the listeners are process-wide, so other tests' hosts add webhook spans too.
        var publish = await SpanAsync("the publish of the interaction", span => span.Kind == ActivityKind.Producer
            && Equals(span.GetTagItem("proxe.interaction_id"), interactionId));
        var trace = publish.TraceId;
        var webhook = await SpanAsync("the gateway's span of POST /webhooks/whatsapp", span => span.TraceId == trace
            && span.Kind == ActivityKind.Server && (span.GetTagItem("url.path") as string) == "/webhooks/whatsapp");
        var consume = await SpanAsync("the worker's consume of the interaction", span => span.TraceId == trace && span.Kind == ActivityKind.Consumer
            && span.Source.Name == "MassTransit" && Equals(span.GetTagItem("proxe.interaction_id"), interactionId));
        var insert = await SpanAsync("the worker's INSERT INTO messages", span => span.TraceId == trace && span.Source.Name == "Npgsql"
            && (span.GetTagItem("db.query.text") as string ?? "").Contains("INSERT INTO messages", StringComparison.Ordinal));
        var journey = await SpanAsync("the journey's consume of the lead's recorded interactions", span => span.TraceId == trace && span.Kind == ActivityKind.Consumer
            && span.GetTagItem("proxe.lead_id") is not null);

        Assert.Equal((brand.Name, Channels.WhatsApp), (consume.GetTagItem("proxe.brand"), consume.GetTagItem("proxe.channel")));
        // A wamid is base64 around the sender's number: the interaction id stands for it.
        Assert.Null(consume.GetTagItem("proxe.provider_event_id"));
        Assert.True(IsDescendant(publish, webhook), "the publish runs inside the webhook's span");
        Assert.True(IsDescendant(insert, consume), "the INSERT runs inside the consume span");
        Assert.True(IsDescendant(journey, consume), "the journey's step follows from the consume that published the lead's recorded interactions");
        // SQL text with placeholders only: parameter values stay out of the span.
        Assert.Contains("@content", (string)insert.GetTagItem("db.query.text")!);

        var traced = host.Spans.Snapshot().Where(span => span.TraceId == trace).ToList();
        var values = traced.SelectMany(span => span.TagObjects.Select(tag => $"{span.DisplayName} {tag.Key}={tag.Value}")).ToList();
        foreach (var secret in new[] { waId, name, text, "Lakeview", TestBrand.WhatsAppAppSecret, "Password" })
            Assert.DoesNotContain(values, value => value.Contains(secret, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Consume_spans_carry_the_provider_event_id_where_it_names_no_customer()
    {
        var brand = host.Brand("proxe2");
        var eventId = $"web-trace-{Guid.NewGuid():N}";
        await host.PostAndWaitAsync(brand, Channels.Web, eventId,
            Web(eventId, T0, Customer("Ann", "+1 415 555 0100", "ann@example.com"), "web-trace", Message("Hello")));

        var consume = await SpanAsync("the worker's consume of the web interaction", span => span.Kind == ActivityKind.Consumer
            && Equals(span.GetTagItem("proxe.provider_event_id"), eventId));
        Assert.Equal((brand.Name, Channels.Web, EndToEndHost.InteractionId(brand, Channels.Web, eventId)),
            (consume.GetTagItem("proxe.brand"), consume.GetTagItem("proxe.channel"), consume.GetTagItem("proxe.interaction_id")));
        var publish = await SpanAsync("the gateway's publish", span => span.Kind == ActivityKind.Producer && span.SpanId == consume.ParentSpanId);
        Assert.Equal(eventId, publish.GetTagItem("proxe.provider_event_id"));
    }

    [Fact]
    public async Task A_message_of_several_channels_names_its_brand_but_no_channel_or_interaction()
    {
        var brand = host.Brand("mixed");
        var (webEvent, whatsAppEvent) = ($"web-mixed-{Guid.NewGuid():N}", $"wamid.mixed-{Guid.NewGuid():N}");
        var response = await host.PostInteractionsAsync(brand, new
        {
            interactions = new[]
            {
                Web(webEvent, T0, Customer("Ann", "+1 415 555 0101"), "web-mixed", Message("Hello")),
                WhatsApp(whatsAppEvent, T0, Customer("Ann", "+1 415 555 0101"), "14155550101", Message("Hi")),
            },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await host.WaitForJourneyAsync(EndToEndHost.InteractionId(brand, Channels.Web, webEvent), EndToEndHost.InteractionId(brand, Channels.WhatsApp, whatsAppEvent));

        var publish = await SpanAsync("the publish of the request's message", span => span.Kind == ActivityKind.Producer
            && Equals(span.GetTagItem("proxe.brand"), brand.Name));
        var consume = await SpanAsync("the worker's consume of it", span => span.Kind == ActivityKind.Consumer && span.TraceId == publish.TraceId
            && span.Source.Name == "MassTransit" && Equals(span.GetTagItem("proxe.brand"), brand.Name));
        foreach (var span in new[] { publish, consume })
        {
            Assert.Null(span.GetTagItem("proxe.channel"));
            Assert.Null(span.GetTagItem("proxe.interaction_id"));
        }
    }

    async Task<Activity> SpanAsync(string what, Func<Activity, bool> match) =>
        (await EndToEndHost.WaitForAsync(what, () => Task.FromResult(host.Spans.Snapshot().FirstOrDefault(match)), span => span is not null,
            TimeSpan.FromSeconds(15)))!;

    bool IsDescendant(Activity span, Activity ancestor)
    {
        var spans = host.Spans.Snapshot().ToDictionary(s => s.SpanId);
        for (var parent = span.ParentSpanId; parent != default; parent = spans.TryGetValue(parent, out var next) ? next.ParentSpanId : default)
            if (parent == ancestor.SpanId)
                return true;
        return false;
    }
}

/// <summary>What the in-memory exporters write to, from any thread; deduplicated, since both services' providers see every span of the process.</summary>
public sealed class SpanList : ICollection<Activity>
{
    readonly Dictionary<ActivitySpanId, Activity> _spans = [];

    public IReadOnlyList<Activity> Snapshot()
    {
        lock (_spans)
            return [.. _spans.Values];
    }

    public void Add(Activity item)
    {
        lock (_spans)
            _spans.TryAdd(item.SpanId, item);
    }

    public int Count
    {
        get
        {
            lock (_spans)
                return _spans.Count;
        }
    }

    public bool IsReadOnly => false;
    public void Clear() { lock (_spans) _spans.Clear(); }
    public bool Contains(Activity item) { lock (_spans) return _spans.ContainsKey(item.SpanId); }
    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().ToArray().CopyTo(array, arrayIndex);
    public bool Remove(Activity item) { lock (_spans) return _spans.Remove(item.SpanId); }
    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
