using System.Text;
using Proxe.Cli.Dlq;

namespace Proxe.Cli.Tests;

public class PiiMaskerTests
{
    [Theory]
    [InlineData("lead +919876543210 failed", "lead +91******3210 failed")]
    [InlineData("call 98765 43210 now", "call 98****3210 now")]
    [InlineData("write to asha.rao@example.com", "write to a***@example.com")]
    [InlineData("booked 2025-03-04 at 10:30", "booked 2025-03-04 at 10:30")]
    [InlineData("id 3f2504e0-4f89-11d3-9a0c-030512345678 v8.5.12", "id 3f2504e0-4f89-11d3-9a0c-030512345678 v8.5.12")]
    public void Scrubs_phones_and_emails_out_of_free_text(string text, string expected) =>
        Assert.Equal(expected, PiiMasker.Scrub(text));

    [Fact]
    public void Masks_json_fields_by_name_at_any_depth()
    {
        var body = """{"a":{"customer_phone":"+1 415 555 0100","wa_id":"919876543210","Email":"x@y.io","name":"Ravi","notes":["ping ravi@y.io"],"conversation_summary":"wants a demo"},"count":3}""";

        var masked = PiiMasker.Body(Encoding.UTF8.GetBytes(body));

        Assert.Equal(
            """{"a":{"customer_phone":"+14*****0100","wa_id":"91******3210","Email":"x***@y.io","name":"[4 chars]","notes":["ping r***@y.io"],"conversation_summary":"[12 chars]"},"count":3}""",
            masked);
    }

    [Fact]
    public void Non_json_and_binary_bodies_are_handled()
    {
        Assert.Equal("to +91******3210", PiiMasker.Body(Encoding.UTF8.GetBytes("to +919876543210")));
        Assert.Equal("(2 bytes, not UTF-8 text)", PiiMasker.Body(new byte[] { 0xff, 0xfe }));
    }
}
