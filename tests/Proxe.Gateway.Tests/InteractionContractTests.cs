using System.Text.Json;
using Proxe.Contracts;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Contract;

namespace Proxe.Gateway.Tests;

/// <summary>The input contract on its own: what /v1 refuses by field, and how a provider's event is repaired and noted.</summary>
public class InteractionContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly BrandSettings Acme = new() { DefaultRegion = "IN", HouseNumbers = ["+91 80 4000 0000"] };

    private static ChannelInteractionReceived Interaction(CustomerInfo? customer = null, string content = "hi", DateTimeOffset? at = null) => new()
    {
        InteractionId = Guid.NewGuid(),
        Channel = Channels.Web,
        Brand = "acme",
        ExternalEventId = "e-1",
        OccurredAt = at ?? Now,
        ReceivedAt = Now,
        Customer = customer ?? new CustomerInfo { Email = "asha@example.com" },
        SessionKey = "s-1",
        Message = new InteractionMessage { Sender = Senders.Customer, Content = content },
        Web = new WebDetail { ExternalSessionId = "s-1" },
    };

    [Fact]
    public void A_valid_interaction_passes_unchanged_in_both_modes()
    {
        var interaction = Interaction(new CustomerInfo { Phone = "098765 43210", Email = "asha@example.com" }, "👨‍👩‍👧 hello");
        foreach (var mode in new[] { ContractMode.Refuse, ContractMode.Repair })
        {
            var errors = new Errors();
            var enforced = InteractionContract.Enforce(interaction, Acme, mode, errors);
            Assert.Equal(0, errors.Count);
            Assert.Equal("919876543210", enforced!.Customer.PhoneNormalized);
            Assert.Equal(interaction.Message, enforced.Message);
        }
    }

    [Fact]
    public void Refuse_names_every_broken_field()
    {
        var interaction = Interaction(new CustomerInfo { Name = new string('n', 300), Email = "Bob <bob@example.com>", Phone = "0000000000" }, "a\uD83Db",
            at: new DateTimeOffset(1999, 1, 1, 0, 0, 0, TimeSpan.Zero)) with { SessionKey = "line\nbreak" };

        var errors = new Errors();
        Assert.Null(InteractionContract.Enforce(interaction, Acme, ContractMode.Refuse, errors, "interactions[3]."));

        Assert.Equal(
            ["interactions[3].customer.email", "interactions[3].customer.name", "interactions[3].customer.phone", "interactions[3].message.content",
             "interactions[3].occurred_at", "interactions[3].session_key"],
            errors.Fields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Repair_truncates_drops_and_notes_without_quoting_the_data()
    {
        var interaction = Interaction(new CustomerInfo { Name = new string('n', 300) + "😀", Email = "not-an-email <script>", Phone = "+91 80 4000 0000" },
            new string('a', 70_000), at: DateTimeOffset.MinValue);

        var errors = new Errors();
        var repaired = InteractionContract.Enforce(interaction, Acme, ContractMode.Repair, errors)!;

        Assert.Equal(0, errors.Count);
        Assert.Equal(256, repaired.Customer.Name!.Length);
        Assert.Null(repaired.Customer.Email);
        Assert.Null(repaired.Customer.Phone);
        Assert.Null(repaired.Customer.PhoneNormalized);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(repaired.Message!.Content!) <= InteractionContract.Body.MaxBytes);
        Assert.Equal(Now, repaired.OccurredAt);
        var notes = repaired.Message.Metadata!.Value.GetProperty(InteractionContract.NotesKey).EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Equal(5, notes.Count);
        Assert.Contains(notes, n => n.StartsWith("customer.phone: dropped. One of the brand's own numbers", StringComparison.Ordinal));
        Assert.DoesNotContain(notes, n => n.Contains("script", StringComparison.Ordinal) || n.Contains("4000", StringComparison.Ordinal));
    }

    [Fact]
    public void Repair_never_touches_a_key_and_keeps_a_digit_free_caller_label()
    {
        var errors = new Errors();
        Assert.Null(InteractionContract.Enforce(Interaction() with { ExternalEventId = new string('k', 256) }, Acme, ContractMode.Repair, errors));
        Assert.Equal(["external_event_id"], errors.Fields);

        var anonymous = InteractionContract.Enforce(Interaction(new CustomerInfo { Phone = "anonymous" }), Acme, ContractMode.Repair, new Errors())!;
        Assert.Equal(("anonymous", null), (anonymous.Customer.Phone, anonymous.Customer.PhoneNormalized));
    }

    [Fact]
    public void Repair_drops_json_that_jsonb_cannot_store_and_notes_it_where_there_is_no_message()
    {
        using var bad = JsonDocument.Parse("""{"utm":"\udc00"}""");
        var interaction = Interaction() with { Message = null, Web = new WebDetail { ExternalSessionId = "s-1", ChannelData = bad.RootElement.Clone() } };

        var repaired = InteractionContract.Enforce(interaction, Acme, ContractMode.Repair, new Errors())!;

        var notes = repaired.Web!.ChannelData!.Value.GetProperty(InteractionContract.NotesKey);
        Assert.StartsWith("web.channel_data: dropped.", notes[0].GetString());
        Assert.False(repaired.Web.ChannelData.Value.TryGetProperty("utm", out _));
    }
}
