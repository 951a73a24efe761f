using Proxe.Domain;

namespace Proxe.Gateway.Tests;

public class MaskingTests
{
    [Theory]
    [InlineData("+919876543210", "+91******3210")]
    [InlineData("919876543210", "91******3210")]
    [InlineData("+1 415-867-5309", "+14*****5309")]
    [InlineData("12345", "***")]
    [InlineData(null, "")]
    public void Phone_keeps_country_prefix_and_last_four(string? phone, string expected) =>
        Assert.Equal(expected, Masking.Phone(phone));

    [Theory]
    [InlineData("john.doe@example.com", "j***@example.com")]
    [InlineData("no-at-sign", "***")]
    [InlineData("", "")]
    public void Email_keeps_first_letter_and_domain(string email, string expected) =>
        Assert.Equal(expected, Masking.Email(email));

    [Fact]
    public void Text_shows_only_the_length() =>
        Assert.Equal("[11 chars]", Masking.Text("hello world"));
}
