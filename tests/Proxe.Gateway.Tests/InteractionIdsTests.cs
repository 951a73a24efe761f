using Proxe.Gateway.Contract;

namespace Proxe.Gateway.Tests;

public class InteractionIdsTests
{
    [Fact]
    public void Version5_matches_the_RFC_4122_vector()
    {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com")
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), InteractionIds.Version5(dns, "www.example.com"));
    }

    [Fact]
    public void For_is_a_stable_version5_id_in_the_PROXe_namespace()
    {
        // Python: uuid.uuid5(UUID("5b0a3c1e-7d2f-4e8a-9c41-2f6d8b0e4a17"), "acme\nwhatsapp\nwamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdCNTg4RjQ5QzQ0RTM2QkY3MwA=")
        var id = InteractionIds.For("acme", "whatsapp", "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdCNTg4RjQ5QzQ0RTM2QkY3MwA=");

        Assert.Equal(new Guid("34beb45a-78cf-53a0-b911-250700f215b8"), id);
        Assert.Equal(5, id.Version);
        Assert.Equal(id, InteractionIds.For("acme", "whatsapp", "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdCNTg4RjQ5QzQ0RTM2QkY3MwA="));
    }

    [Fact]
    public void Brand_channel_and_event_id_each_change_the_id()
    {
        var ids = new[]
        {
            InteractionIds.For("acme", "web", "e1"),
            InteractionIds.For("other", "web", "e1"),
            InteractionIds.For("acme", "voice", "e1"),
            InteractionIds.For("acme", "web", "e2"),
        };
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }
}
