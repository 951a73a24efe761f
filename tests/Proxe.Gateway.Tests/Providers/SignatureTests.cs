using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Proxe.Gateway.Providers.Signatures;

namespace Proxe.Gateway.Tests.Providers;

/// <summary>Every vector of Samples/*signature_vector.txt verifies, and the same input with one byte changed does not.</summary>
public sealed class SignatureTests
{
    private const string MessengerBody =
        """{"object":"page","entry":[{"id":"111899832631525","time":1480279487271,"messaging":[{"sender":{"id":"1433960459967306"},"recipient":{"id":"111899832631525"},"timestamp":1480279487147,"message":{"mid":"mid.1480279487147:4388d3b344","seq":36,"text":"Hi"}}]}]}""";

    [Fact]
    public void Meta_vector_A_a_real_Meta_signed_WhatsApp_body_verifies_over_the_raw_bytes()
    {
        var body = ProviderTestData.Sample("whatsapp_text_message_signed_raw.json");
        const string header = "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441";

        Assert.True(HubSignature.IsValid(body, header, ProviderTestData.AcmeWhatsAppSecret));
        Assert.True(HubSignature.IsValid(body, header.ToUpperInvariant().Replace("SHA256=", "sha256="), ProviderTestData.AcmeWhatsAppSecret));
        Assert.Equal(header, HubSignature.Sign(body, ProviderTestData.AcmeWhatsAppSecret));
        Assert.Contains("sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441", ProviderTestData.SampleText("meta_signature_vector.txt"));
    }

    [Fact]
    public void Meta_vector_A_fails_with_any_single_byte_changed_or_another_secret()
    {
        var body = ProviderTestData.Sample("whatsapp_text_message_signed_raw.json");
        const string header = "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441";

        foreach (var index in new[] { 0, body.Length / 2, body.Length - 1 })
        {
            var tampered = (byte[])body.Clone();
            tampered[index] ^= 0x01;
            Assert.False(HubSignature.IsValid(tampered, header, ProviderTestData.AcmeWhatsAppSecret));
        }

        Assert.False(HubSignature.IsValid(body, header, "another-secret"));
        Assert.False(HubSignature.IsValid(body, header[..^1] + "0", ProviderTestData.AcmeWhatsAppSecret));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha256=zz")]
    [InlineData("sha1=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441")]
    [InlineData("54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441")]
    [InlineData("sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc4")]
    [InlineData("sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc44100")]
    public void Meta_signature_header_that_is_missing_or_malformed_fails(string? header)
    {
        var body = ProviderTestData.Sample("whatsapp_text_message_signed_raw.json");
        Assert.False(HubSignature.IsValid(body, header, ProviderTestData.AcmeWhatsAppSecret));
    }

    [Fact]
    public void Meta_signature_without_a_configured_secret_fails()
    {
        var body = ProviderTestData.Sample("whatsapp_text_message_signed_raw.json");
        Assert.False(HubSignature.IsValid(body, "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441", null));
        Assert.False(HubSignature.IsValid(body, HubSignature.Sign(body, "x"), ""));
    }

    [Fact]
    public void Meta_vector_B_the_escaped_unicode_bytes_verify_and_the_decoded_text_does_not()
    {
        var escaped = Encoding.ASCII.GetBytes(
            @"Let's pretend this body is equal to the message object and can handle unicode characters like \u307f\u3069\u308a\u3044\u308d and J'ai mang\u00e9 des p\u00e2tes");
        var decoded = Encoding.UTF8.GetBytes(
            "Let's pretend this body is equal to the message object and can handle unicode characters like みどりいろ and J'ai mangé des pâtes");

        Assert.True(HubSignature.IsValid(escaped, "sha256=0363007aabdf1ab579f35936651a460fb5fa1aaf40df98b1264446b72cc96688", "YOUR_APP_SECRET"));
        Assert.False(HubSignature.IsValid(decoded, "sha256=0363007aabdf1ab579f35936651a460fb5fa1aaf40df98b1264446b72cc96688", "YOUR_APP_SECRET"));
        Assert.True(HubSignature.IsValid(decoded, "sha256=5ab50fefd5b7b7258964d9825904e7916acb73fe8030123871485627791ffbde", "YOUR_APP_SECRET"));

        escaped[^1] ^= 0x01;
        Assert.False(HubSignature.IsValid(escaped, "sha256=0363007aabdf1ab579f35936651a460fb5fa1aaf40df98b1264446b72cc96688", "YOUR_APP_SECRET"));
    }

    [Fact]
    public void Meta_vector_C_sha256_verifies_and_fails_when_tampered()
    {
        var body = Encoding.UTF8.GetBytes(MessengerBody);

        Assert.True(HubSignature.IsValid(body, "sha256=bcc5bd9f45ededb77ddccb00da4b5f17db1469378185692ca58b6240c6efa167", "Bar"));

        body[body.Length / 2] ^= 0x01;
        Assert.False(HubSignature.IsValid(body, "sha256=bcc5bd9f45ededb77ddccb00da4b5f17db1469378185692ca58b6240c6efa167", "Bar"));
    }

    private const string TwilioUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

    private static readonly Dictionary<string, StringValues> Vector1Params = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+14158675309",
        ["Digits"] = "1234",
        ["From"] = "+14158675309",
        ["To"] = "+18005551212",
    };

    [Theory]
    [InlineData(TwilioUrl, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    [InlineData("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")]
    public void Twilio_vectors_1_and_1b_verify_for_the_url_they_were_signed_for(string url, string signature)
    {
        Assert.True(TwilioSignature.IsValid(url, Vector1Params, signature, "12345"));
    }

    [Fact]
    public void Twilio_accepts_the_url_with_or_without_its_default_port_like_the_SDKs()
    {
        // Signed without the port, received with it, and the other way round.
        Assert.True(TwilioSignature.IsValid("https://mycompany.com:443/myapp.php?foo=1&bar=2", Vector1Params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "12345"));
        Assert.True(TwilioSignature.IsValid(TwilioUrl, Vector1Params, "kvajT1Ptam85bY51eRf/AJRuM3w=", "12345"));
        Assert.True(TwilioSignature.IsValid("http://mycompany.com/myapp.php?foo=1&bar=2", Vector1Params, "0ZXoZLH/DfblKGATFgpif+LLRf4=", "12345"));
        // A non-default port is stripped for the "without port" candidate.
        Assert.True(TwilioSignature.IsValid("https://mycompany.com:1234/myapp.php?foo=1&bar=2", Vector1Params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "12345"));
        Assert.False(TwilioSignature.IsValid("http://mycompany.com/myapp.php?foo=1&bar=2", Vector1Params, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", "12345"));
    }

    [Fact]
    public void Twilio_vector_1_fails_when_a_value_url_or_token_changes_by_one_byte()
    {
        var changedValue = new Dictionary<string, StringValues>(Vector1Params) { ["Digits"] = "1235" };
        var extraParam = new Dictionary<string, StringValues>(Vector1Params) { ["Extra"] = "x" };

        Assert.False(TwilioSignature.IsValid(TwilioUrl, changedValue, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "12345"));
        Assert.False(TwilioSignature.IsValid(TwilioUrl, extraParam, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "12345"));
        Assert.False(TwilioSignature.IsValid(TwilioUrl.Replace("foo=1", "foo=2"), Vector1Params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "12345"));
        Assert.False(TwilioSignature.IsValid(TwilioUrl, Vector1Params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "12346"));
        Assert.False(TwilioSignature.IsValid(TwilioUrl, Vector1Params, "RSOYDt4T1cUTdK1PDd93/VVr8C8=", "12345"));
        Assert.False(TwilioSignature.IsValid(TwilioUrl, Vector1Params, null, "12345"));
        Assert.False(TwilioSignature.IsValid(TwilioUrl, Vector1Params, "not base64!", "12345"));
        Assert.False(TwilioSignature.IsValid(TwilioUrl, Vector1Params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", null));
        // A signature made with an empty token is a valid HMAC, yet an unconfigured token must never match.
        Assert.False(TwilioSignature.IsValid(TwilioUrl, Vector1Params, TwilioSignature.Sign(TwilioUrl, Vector1Params, ""), ""));
    }

    [Fact]
    public void Twilio_vector_2_repeated_keys_are_sorted_and_deduplicated()
    {
        var form = new FormReader("Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234").ReadForm();

        Assert.True(TwilioSignature.IsValid(TwilioUrl, form, "IK+Dwps556ElfBT0I3Rgjkr1wJU=", "12345"));

        var tampered = new FormReader("Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1235").ReadForm();
        Assert.False(TwilioSignature.IsValid(TwilioUrl, tampered, "IK+Dwps556ElfBT0I3Rgjkr1wJU=", "12345"));
    }

    [Theory]
    [InlineData("""{"property": "value", "boolean": true}""", "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", "a9nBmqA0ju/hNViExpshrM61xv4=")]
    [InlineData("""{"property": "value", "boolean": true}""", "https://mycompany.com/myapp.php?bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", "y77kIzt2vzLz71DgmJGsen2scGs=")]
    [InlineData("{}", "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "Ldidvp12m26NI7eqEvxnEpkd9Hc=")]
    public void Twilio_vector_3_json_bodies_verify_through_bodySHA256_and_fail_when_the_body_changes(string body, string url, string signature)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.True(TwilioSignature.IsValidJson(url, bytes, signature, "12345"));

        bytes[^1] ^= 0x01;
        Assert.False(TwilioSignature.IsValidJson(url, bytes, signature, "12345"));
        Assert.False(TwilioSignature.IsValidJson(url.Split("bodySHA256")[0].TrimEnd('&', '?'), Encoding.UTF8.GetBytes(body), signature, "12345"));
    }

    [Theory]
    [InlineData("https://mycompany.com/a?x=1", "https://mycompany.com/a?x=1", "https://mycompany.com:443/a?x=1")]
    [InlineData("http://mycompany.com:8080/a", "http://mycompany.com/a", "http://mycompany.com:8080/a")]
    [InlineData("https://user:pw@mycompany.com/a", "https://user:pw@mycompany.com/a", "https://user:pw@mycompany.com:443/a")]
    [InlineData("https://[::1]:8443/a", "https://[::1]/a", "https://[::1]:8443/a")]
    [InlineData("https://[::1]/a", "https://[::1]/a", "https://[::1]:443/a")]
    public void Twilio_url_port_variants_keep_everything_else_byte_for_byte(string url, string withoutPort, string withPort)
    {
        Assert.Equal(withoutPort, TwilioSignature.WithoutPort(url));
        Assert.Equal(withPort, TwilioSignature.WithDefaultPort(url));
    }

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_764_158_400);

    [Fact]
    public void Web_widget_signature_covers_timestamp_and_body()
    {
        var body = Encoding.UTF8.GetBytes("""{"brand":"acme","external_session_id":"s-1"}""");
        var timestamp = Now.ToUnixTimeSeconds().ToString();
        var header = ProxeSignature.Sign(body, timestamp, "secret");

        Assert.Matches("^sha256=[0-9a-f]{64}$", header);
        Assert.True(ProxeSignature.IsValid(body, timestamp, header, "secret", Now));
        Assert.False(ProxeSignature.IsValid(body, (Now.ToUnixTimeSeconds() + 1).ToString(), header, "secret", Now));
        Assert.False(ProxeSignature.IsValid(body, timestamp, header, "other-secret", Now));
        Assert.False(ProxeSignature.IsValid(body, timestamp, null, "secret", Now));
        Assert.False(ProxeSignature.IsValid(body, timestamp, header, null, Now));
        Assert.False(ProxeSignature.IsValid(body, null, header, "secret", Now));

        body[5] ^= 0x01;
        Assert.False(ProxeSignature.IsValid(body, timestamp, header, "secret", Now));
    }

    [Fact]
    public void Web_widget_signature_matches_an_independent_HMAC_of_timestamp_dot_body()
    {
        // Computed with: printf '1764158400.{"a":1}' | openssl dgst -sha256 -hmac secret
        var body = Encoding.UTF8.GetBytes("""{"a":1}""");
        const string expected = "sha256=e8189f7f1ab3600eac8201b99a65b00d6da5acb7d23f208864c2438274852c7d";

        Assert.Equal(expected, ProxeSignature.Sign(body, "1764158400", "secret"));
    }

    [Theory]
    [InlineData(-300, true)]
    [InlineData(300, true)]
    [InlineData(-301, false)]
    [InlineData(301, false)]
    [InlineData(-86_400, false)]
    public void Web_widget_timestamps_more_than_five_minutes_away_are_refused(int offsetSeconds, bool valid)
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var timestamp = (Now.ToUnixTimeSeconds() + offsetSeconds).ToString();

        Assert.Equal(valid, ProxeSignature.IsValid(body, timestamp, ProxeSignature.Sign(body, timestamp, "secret"), "secret", Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public void Web_widget_timestamps_that_are_not_unix_seconds_are_refused(string timestamp)
    {
        var body = Encoding.UTF8.GetBytes("{}");
        Assert.False(ProxeSignature.IsValid(body, timestamp, ProxeSignature.Sign(body, timestamp, "secret"), "secret", Now));
    }
}
