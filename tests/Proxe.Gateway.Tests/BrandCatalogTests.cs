using Proxe.Gateway.Brands;

namespace Proxe.Gateway.Tests;

public class BrandCatalogTests
{
    private static BrandOptions Options() => new()
    {
        Brands =
        {
            ["acme"] = new BrandSettings
            {
                ApiKey = "acme-key-0123456789",
                DefaultRegion = "IN",
                WhatsApp = new WhatsAppSettings { PhoneNumberIds = ["106540352242922"] },
                Twilio = new TwilioSettings { PhoneNumbers = ["+1 415-555-0100"] },
                Meta = new MetaSettings { PageIds = ["page-1"], InstagramAccountIds = ["17841400000000001"] },
            },
            ["globex"] = new BrandSettings
            {
                ApiKey = "globex-key-0123456789",
                WhatsApp = new WhatsAppSettings { PhoneNumberIds = ["200000000000002"] },
                Twilio = new TwilioSettings { PhoneNumbers = ["+14155550199"] },
                Meta = new MetaSettings { PageIds = ["page-2"], InstagramAccountIds = ["17841400000000002"] },
            },
        },
    };

    private static readonly BrandCatalog Catalog = new(Microsoft.Extensions.Options.Options.Create(Options()));

    [Fact]
    public void Finds_the_brand_of_an_api_key()
    {
        Assert.True(Catalog.TryGetByApiKey("acme-key-0123456789", out var acme));
        Assert.Equal("acme", acme);
        Assert.True(Catalog.TryGetByApiKey("globex-key-0123456789", out var globex));
        Assert.Equal("globex", globex);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("acme-key-012345678")]
    [InlineData("acme-key-0123456789 ")]
    [InlineData("ACME-KEY-0123456789")]
    public void Refuses_any_other_key(string? key)
    {
        Assert.False(Catalog.TryGetByApiKey(key, out var brand));
        Assert.Null(brand);
    }

    [Fact]
    public void Finds_brands_by_provider_accounts()
    {
        Assert.True(Catalog.TryGetByWhatsAppPhoneNumberId("106540352242922", out var b1, out var s1));
        Assert.Equal(("acme", "IN"), (b1, s1.DefaultRegion));

        Assert.True(Catalog.TryGetByTwilioNumber("+14155550100", out var b2, out _));
        Assert.Equal("acme", b2);
        Assert.True(Catalog.TryGetByTwilioNumber("+1 (415) 555-0199", out var b3, out _));
        Assert.Equal("globex", b3);

        Assert.True(Catalog.TryGetByMetaPageId("page-2", out var b4, out _));
        Assert.Equal("globex", b4);
        Assert.True(Catalog.TryGetByInstagramAccountId("17841400000000001", out var b5, out _));
        Assert.Equal("acme", b5);

        Assert.True(Catalog.TryGet("globex", out var globex));
        Assert.Equal("US", globex.DefaultRegion);
    }

    [Fact]
    public void Unknown_accounts_find_nothing()
    {
        Assert.False(Catalog.TryGetByWhatsAppPhoneNumberId("999", out _, out _));
        Assert.False(Catalog.TryGetByTwilioNumber("+15550000000", out _, out _));
        Assert.False(Catalog.TryGetByMetaPageId("17841400000000001", out _, out _));
        Assert.False(Catalog.TryGetByInstagramAccountId("page-1", out _, out _));
        Assert.False(Catalog.TryGetByWhatsAppPhoneNumberId(null, out _, out _));
        Assert.False(Catalog.TryGet("nobody", out _));
    }

    [Fact]
    public void Validator_accepts_a_sound_configuration() =>
        Assert.True(new BrandOptionsValidator().Validate(null, Options()).Succeeded);

    [Fact]
    public void Validator_refuses_shared_accounts_short_keys_and_unknown_regions()
    {
        var options = Options();
        options.Brands["globex"] = new BrandSettings
        {
            ApiKey = "short",
            DefaultRegion = "XX",
            WhatsApp = new WhatsAppSettings { PhoneNumberIds = ["106540352242922"] },
            Twilio = new TwilioSettings { PhoneNumbers = ["+14155550100"] },
        };
        options.Brands["initech"] = new BrandSettings { ApiKey = "acme-key-0123456789" };

        var result = new BrandOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.Contains("ApiKey must be at least"));
        Assert.Contains(failures, f => f.Contains("DefaultRegion 'XX'"));
        Assert.Contains(failures, f => f.Contains("WhatsApp phone number id '106540352242922'"));
        Assert.Contains(failures, f => f.Contains("Twilio number '14155550100'"));
        Assert.Contains(failures, f => f.StartsWith("The same ApiKey") && !f.Contains("acme-key"));
    }
}
