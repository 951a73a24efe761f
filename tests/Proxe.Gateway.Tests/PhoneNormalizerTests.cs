using Proxe.Gateway.Interactions;

namespace Proxe.Gateway.Tests;

public class PhoneNormalizerTests
{
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
    [InlineData("+1 555-010-0199", "US", "15550100199")]
    [InlineData("447911123456", "US", "447911123456")]
    [InlineData("07911 123456", "GB", "447911123456")]
    [InlineData(" +44 7911 123456 ", "GB", "447911123456")]
    public void Normalizes_to_digits_with_country_code(string raw, string region, string expected) =>
        Assert.Equal(expected, PhoneNormalizer.Normalize(raw, region));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a phone")]
    [InlineData("12345")]
    [InlineData("+1234567890123456789")]
    public void Returns_null_without_a_phone_number(string? raw) =>
        Assert.Null(PhoneNormalizer.Normalize(raw, "IN"));

    [Fact]
    public void Keeps_the_digits_of_a_plausible_number_libphonenumber_does_not_know()
    {
        // +999 is no country code, but 7-15 digits still identify a customer, as SQL normalize_phone would keep them.
        Assert.Equal("9991234567", PhoneNormalizer.Normalize("+999 123 4567", "IN"));
    }
}
