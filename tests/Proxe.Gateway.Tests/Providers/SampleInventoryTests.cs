namespace Proxe.Gateway.Tests.Providers;

public sealed class SampleInventoryTests
{
    /// <summary>Each sample is parsed by the tests named here; a new sample file must get its tests before this passes.</summary>
    private static readonly Dictionary<string, string> CoveredBy = new()
    {
        ["instagram_dm.json"] = "MetaInteractionsTests, ProviderEndpointTests",
        ["meta_signature_vector.txt"] = "SignatureTests (vectors A, B, C), ProviderEndpointTests",
        ["twilio_signature_vector.txt"] = "SignatureTests (vectors 1, 1b, 2, 3, 3b, 3c)",
        ["twilio_voice_incoming.form"] = "TwilioVoiceInteractionsTests, ProviderEndpointTests",
        ["twilio_voice_status_completed.form"] = "TwilioVoiceInteractionsTests, ProviderEndpointTests",
        ["webchat_chatwoot_message_created.json"] = "WebWidgetInteractionsTests, ProviderEndpointTests",
        ["whatsapp_image_message.json"] = "WhatsAppInteractionsTests, ProviderEndpointTests",
        ["whatsapp_status_delivered.json"] = "WhatsAppInteractionsTests, ProviderEndpointTests",
        ["whatsapp_text_message.json"] = "WhatsAppInteractionsTests, ProviderEndpointTests",
        ["whatsapp_text_message_signed_raw.json"] = "SignatureTests, WhatsAppInteractionsTests, ProviderEndpointTests",
    };

    [Fact]
    public void Every_provider_sample_has_tests()
    {
        var directory = Path.GetDirectoryName(ProviderTestData.SamplePath("README.md"))!;
        var samples = Directory.GetFiles(directory)
            .Select(Path.GetFileName)
            .Where(name => name is not ("README.md" or ".editorconfig"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(CoveredBy.Keys.Order(StringComparer.Ordinal), samples);
    }

    [Fact]
    public void The_signed_sample_is_byte_exact_without_a_trailing_newline()
    {
        var body = ProviderTestData.Sample("whatsapp_text_message_signed_raw.json");

        Assert.Equal(511, body.Length);
        Assert.Equal((byte)'}', body[^1]);
    }
}
