using Proxe.Domain;

namespace Proxe.Gateway.Tests.Domain;

public class PhonesTests
{
    private static readonly IReadOnlySet<string> NoHouseNumbers = new HashSet<string>();

    [Theory]
    [InlineData("098765 43210", "IN", "919876543210")]
    [InlineData("9876543210", "IN", "919876543210")]
    [InlineData("+91 98765-43210", "US", "919876543210")]
    [InlineData("+1 415-867-5309", "IN", "14158675309")]
    [InlineData("(415) 867-5309", "US", "14158675309")]
    [InlineData("16505551234", "IN", "16505551234")]
    [InlineData("919876543210", "IN", "919876543210")]
    [InlineData("14155550123", "IN", "14155550123")]
    [InlineData("+14155550123", "IN", "14155550123")]
    [InlineData("447911123456", "US", "447911123456")]
    [InlineData("07911 123456", "GB", "447911123456")]
    [InlineData(" +44 7911 123456 ", "GB", "447911123456")]
    [InlineData("98000 33333", "IN", "919800033333")]
    public void Normalizes_to_digits_with_country_code(string raw, string region, string expected) =>
        Assert.Equal(expected, Phones.Normalize(raw, region));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a phone")]
    [InlineData("12345")]
    [InlineData("+1234567890123456789")]
    // Issue 8 case 2: letters are not read as a keypad, so the junk one is refused instead of becoming another lead.
    [InlineData("9800033333'; DROP TABLE all_leads; --")]
    [InlineData("ext. 1")]
    [InlineData("+91 98765 43210 ext. 12")]
    // Never raw digits: +999 is no country code; before issue 8 its digits were kept as an identity.
    [InlineData("+999 123 4567")]
    public void Returns_null_for_anything_that_is_not_a_valid_number(string? raw) =>
        Assert.Null(Phones.Normalize(raw, "IN"));

    [Theory]
    [InlineData("0000000000")]
    [InlineData("9999999999")]
    [InlineData("9000000000")]
    [InlineData("1234567")]
    [InlineData("1234567890")]
    [InlineData("+1 111-111-1111")]
    [InlineData("+1 234-567-8901")]
    public void Placeholders_never_identify_a_customer(string raw)
    {
        var identity = Phones.Identify(raw, "IN", NoHouseNumbers);
        Assert.Null(identity.Normalized);
        Assert.NotNull(identity.Refusal);
    }

    [Fact]
    public void The_seeds_example_number_is_a_customer_not_a_placeholder() =>
        Assert.Equal("919876543210", Phones.Identify("098765 43210", "IN", NoHouseNumbers).Normalized);

    [Fact]
    public void A_brands_house_number_never_identifies_a_customer()
    {
        var house = new HashSet<string> { "919845012345" };
        Assert.Equal(PhoneRefusal.HouseNumber, Phones.Identify("+91 98450 12345", "IN", house).Refusal);
        Assert.Equal("919845012346", Phones.Identify("+91 98450 12346", "IN", house).Normalized);
    }

    [Theory]
    [InlineData("919876543210", "919876543210", null)]
    // A verified number needs only a possible length, as NormalizeVerified.
    [InlineData("972987654321", "972987654321", null)]
    [InlineData("919999999999", null, PhoneRefusal.Placeholder)]
    [InlineData("911234567890", null, PhoneRefusal.Placeholder)]
    [InlineData("919845012345", null, PhoneRefusal.HouseNumber)]
    [InlineData("+919876543210", null, PhoneRefusal.NotAPhoneNumber)]
    [InlineData("0000", null, PhoneRefusal.NotAPhoneNumber)]
    public void A_number_a_mapper_normalized_is_checked_as_a_typed_one_is(string normalized, string? expected, PhoneRefusal? refusal)
    {
        var house = new HashSet<string> { "919845012345" };
        Assert.Equal(new PhoneIdentity(expected, refusal), Phones.IdentifyNormalized(normalized, house));
    }

    [Theory]
    [InlineData("919876543210", true)]
    [InlineData("14158675309", true)]
    [InlineData("972987654321", true)]
    [InlineData("0000", false)]
    [InlineData("+919876543210", false)]
    [InlineData("", false)]
    public void IsNormalized_accepts_digits_with_a_known_country_code_and_a_possible_length(string value, bool expected) =>
        Assert.Equal(expected, Phones.IsNormalized(value));

    [Fact]
    public void Digits_is_the_sql_normalize_phone() => Assert.Equal("919876543210", Phones.Digits("+91 (98765) 43210"));
}
