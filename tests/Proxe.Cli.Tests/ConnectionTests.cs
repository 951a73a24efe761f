namespace Proxe.Cli.Tests;

public class ConnectionTests : DlqTestBase
{
    private const string Secret = "s3cret-Pa55";

    [Fact]
    public async Task An_unreachable_broker_is_named_without_its_password()
    {
        var result = await RunAsync(["replay", ErrorQueue], $"amqp://ops:{Secret}@127.0.0.1:1/", "http://127.0.0.1:1/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("RabbitMQ at amqp://ops@127.0.0.1:1/ is unreachable", result.Error);
        Assert.DoesNotContain(Secret, result.Output + result.Error);
    }

    [Fact]
    public async Task Wrong_credentials_are_reported_as_such()
    {
        var amqp = new UriBuilder(Rabbit.AmqpUri) { UserName = Rabbit.Username, Password = Secret }.Uri.ToString();

        var show = await RunAsync(["show", ErrorQueue], amqp, Rabbit.ManagementUri.ToString());
        var list = await RunAsync(["list"], amqp, Rabbit.ManagementUri.ToString());

        Assert.Equal(1, show.ExitCode);
        Assert.Contains($"refused the login of user '{Rabbit.Username}'", show.Error);
        Assert.Equal(1, list.ExitCode);
        Assert.Contains($"refused the login of user '{Rabbit.Username}'", list.Error);
        Assert.DoesNotContain(Secret, show.Output + show.Error + list.Output + list.Error);
    }

    [Fact]
    public async Task An_unreachable_management_api_is_named()
    {
        var result = await RunAsync(["list"], Rabbit.AmqpUri.ToString(), "http://127.0.0.1:1/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("RabbitMQ management API at http://127.0.0.1:1/ is unreachable", result.Error);
        Assert.DoesNotContain(Rabbit.Password is { Length: > 0 } p ? $":{p}@" : "\0", result.Error);
    }

    [Fact]
    public async Task An_unknown_virtual_host_is_named()
    {
        var amqp = new UriBuilder(Rabbit.AmqpUri) { Path = "/no-such-vhost" }.Uri.ToString();

        var result = await RunAsync(["show", ErrorQueue], amqp, Rabbit.ManagementUri.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Error.Contains("refused virtual host 'no-such-vhost'"), result.Error);
    }
}
