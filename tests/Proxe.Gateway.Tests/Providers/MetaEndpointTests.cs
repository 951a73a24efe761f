using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Proxe.Contracts;
using Proxe.Gateway.Contract;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Testing;

namespace Proxe.Gateway.Tests.Providers;
/// <summary>Messenger and Instagram webhooks.</summary>
public sealed class MetaEndpointTests(RabbitMqFixture rabbit) : ProviderEndpointTestBase(rabbit)
{
    [Fact]
    public async Task Instagram_dm_sample_signed_with_the_brands_app_secret_is_200_and_published()
    {
        var body = ProviderTestData.Sample("instagram_dm.json");
        var response = await PostJson(_client, "/webhooks/meta", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeMetaSecret)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Equal("social", message["channel"]!.GetValue<string>());
        Assert.Equal("acme", message["brand"]!.GetValue<string>());
        Assert.Equal("instagram", message["customer"]!["platform"]!.GetValue<string>());
        Assert.Equal("instagram:1129842642640637", message["sessionKey"]!.GetValue<string>());
        Assert.Equal("oi", message["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messenger_vector_C_body_verifies_with_its_sha256_header()
    {
        const string body = """{"object":"page","entry":[{"id":"111899832631525","time":1480279487271,"messaging":[{"sender":{"id":"1433960459967306"},"recipient":{"id":"111899832631525"},"timestamp":1480279487147,"message":{"mid":"mid.1480279487147:4388d3b344","seq":36,"text":"Hi"}}]}]}""";

        var response = await PostJson(_client, "/webhooks/meta", Encoding.UTF8.GetBytes(body),
            (HubSignature.Header, "sha256=bcc5bd9f45ededb77ddccb00da4b5f17db1469378185692ca58b6240c6efa167"),
            ("X-Hub-Signature", "sha1=74432bfe572675092cc81b5ac903ff3f971b04e5"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Equal("messenger:1433960459967306", message["sessionKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Meta_tampered_body_is_401_and_publishes_nothing()
    {
        var body = ProviderTestData.Sample("instagram_dm.json");
        var header = HubSignature.Sign(body, ProviderTestData.AcmeMetaSecret);
        body[^5] ^= 0x01;

        await AssertProblem(await PostJson(_client, "/webhooks/meta", body, (HubSignature.Header, header)), HttpStatusCode.Unauthorized);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Meta_echo_and_unknown_account_are_200_and_publish_nothing()
    {
        var echo = Encoding.UTF8.GetBytes("""{"object":"instagram","entry":[{"time":1,"id":"17841400538867190","messaging":[{"sender":{"id":"17841400538867190"},"recipient":{"id":"1"},"timestamp":1762031146380,"message":{"mid":"m","text":"ours","is_echo":true}}]}]}""");
        var unknown = Encoding.UTF8.GetBytes("""{"object":"instagram","entry":[{"time":1,"id":"555","messaging":[{"sender":{"id":"1"},"recipient":{"id":"555"},"timestamp":1762031146380,"message":{"mid":"m","text":"x"}}]}]}""");

        Assert.Equal(HttpStatusCode.OK, (await PostJson(_client, "/webhooks/meta", echo, (HubSignature.Header, HubSignature.Sign(echo, ProviderTestData.AcmeMetaSecret)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostJson(_client, "/webhooks/meta", unknown, (HubSignature.Header, HubSignature.Sign(unknown, ProviderTestData.AcmeMetaSecret)))).StatusCode);
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Meta_standby_message_is_published_and_messaging_fields_sent_as_changes_are_200()
    {
        var body = Encoding.UTF8.GetBytes("""
            {"object":"page","entry":[{"id":"111899832631525","time":1762031200000,
              "standby":[{"sender":{"id":"5550001"},"recipient":{"id":"111899832631525"},"timestamp":1762031190000,"message":{"mid":"m_standby","text":"Still there?"}}]}]}
            """);
        var test = Encoding.UTF8.GetBytes("""
            {"object":"instagram","entry":[{"id":"17841400538867190","time":1762031200,"changes":[
              {"field":"messages","value":{"sender":{"id":"12334"},"recipient":{"id":"23245"},"timestamp":"1527459824","message":{"mid":"random_mid","text":"random_text"}}}]}]}
            """);

        Assert.Equal(HttpStatusCode.OK, (await PostJson(_client, "/webhooks/meta", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeMetaSecret)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostJson(_client, "/webhooks/meta", test, (HubSignature.Header, HubSignature.Sign(test, ProviderTestData.AcmeMetaSecret)))).StatusCode);

        var (_, message) = Assert.Single(await DrainAsync());
        Assert.Equal("m_standby", message["externalEventId"]!.GetValue<string>());
        Assert.Equal("messenger:5550001", message["sessionKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Meta_unknown_object_is_400()
    {
        var body = Encoding.UTF8.GetBytes("""{"object":"permissions","entry":[]}""");
        await AssertProblem(await PostJson(_client, "/webhooks/meta", body, (HubSignature.Header, HubSignature.Sign(body, ProviderTestData.AcmeMetaSecret))), HttpStatusCode.BadRequest);
    }
}
