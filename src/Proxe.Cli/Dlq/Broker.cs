using System.CommandLine;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Proxe.Cli.Dlq;

/// <summary>
/// The RabbitMQ a dlq command works on: AMQP for reading and moving messages (exact counts, publisher
/// confirms), the management API only to enumerate queues, which AMQP cannot do.
/// </summary>
public sealed class Broker
{
    public const string AmqpVariable = "ConnectionStrings__RabbitMq";
    public const string ManagementVariable = "ConnectionStrings__RabbitMqManagement";
    public const string DefaultAmqp = "amqp://guest:guest@127.0.0.1:5672/";
    private const int DefaultManagementPort = 15672;

    private readonly ConnectionFactory _factory;

    private Broker(ConnectionFactory factory, Uri management)
    {
        _factory = factory;
        var credentials = management.UserInfo.Split(':', 2);
        ManagementUser = credentials[0].Length > 0 ? Uri.UnescapeDataString(credentials[0]) : factory.UserName;
        ManagementPassword = credentials[0].Length > 0 ? Uri.UnescapeDataString(credentials.ElementAtOrDefault(1) ?? "") : factory.Password;
        ManagementUri = new UriBuilder(management) { UserName = "", Password = "" }.Uri;
    }

    // No DefaultValueFactory: --help prints defaults, and the environment's URI may carry a password.
    public static Option<string?> AmqpOption() => new("--rabbitmq")
    {
        Description = $"AMQP URI of the broker, vhost in the path (default: ${AmqpVariable}, else {DefaultAmqp}).",
    };

    public static Option<string?> ManagementOption() => new("--management")
    {
        Description = $"RabbitMQ management URL, same credentials as the AMQP URI (default: ${ManagementVariable}, else http://<amqp host>:{DefaultManagementPort}/).",
    };

    public string VirtualHost => _factory.VirtualHost;

    public string UserName => _factory.UserName;

    /// <summary>Without user info; see <see cref="ManagementUser"/>.</summary>
    public Uri ManagementUri { get; }

    public string ManagementUser { get; }

    public string ManagementPassword { get; }

    /// <summary>Where we connect, for messages: never with the password.</summary>
    public string Display =>
        $"amqp://{_factory.UserName}@{_factory.HostName}:{_factory.Port}/{(_factory.VirtualHost == "/" ? "" : Uri.EscapeDataString(_factory.VirtualHost))}";

    public static Broker From(string? amqp, string? management)
    {
        amqp = FirstOf(amqp, Environment.GetEnvironmentVariable(AmqpVariable)) ?? DefaultAmqp;
        management = FirstOf(management, Environment.GetEnvironmentVariable(ManagementVariable));

        var factory = new ConnectionFactory
        {
            ClientProvidedName = "proxe dlq",
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        };
        try
        {
            factory.Uri = new Uri(amqp);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException)
        {
            // The value may hold a password: name the option, not its content.
            throw new CliException($"--rabbitmq is not a valid amqp://user:password@host:port/vhost URI ({e.Message}).", ExitCodes.Usage);
        }

        Uri managementUri;
        if (string.IsNullOrWhiteSpace(management))
        {
            managementUri = new UriBuilder("http", factory.HostName, DefaultManagementPort).Uri;
        }
        else if (!Uri.TryCreate(management, UriKind.Absolute, out managementUri!) || managementUri.Scheme is not ("http" or "https"))
        {
            throw new CliException("--management is not an http(s):// URL.", ExitCodes.Usage);
        }

        return new Broker(factory, managementUri);
    }

    public async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        IConnection connection;
        try
        {
            connection = await _factory.CreateConnectionAsync(cancellationToken);
        }
        catch (BrokerUnreachableException e)
        {
            throw new CliException(Explain(e));
        }

        // RabbitMQ may accept the connection and close it right away (unknown vhost, no permission):
        // find out now rather than on the first real operation.
        try
        {
            await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            return connection;
        }
        catch (OperationInterruptedException e) // AlreadyClosedException included
        {
            await connection.DisposeAsync();
            throw new CliException(Explain(e));
        }
    }

    /// <summary>Ready messages and consumers of a queue, exact at this moment; null when the queue does not exist.</summary>
    public static async Task<QueueDeclareOk?> InspectAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        // A passive declare of a missing queue closes its channel, so each probe gets its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    private string Explain(OperationInterruptedException e) => e.ShutdownReason?.ReplyCode switch
    {
        530 => $"RabbitMQ at {Display} refused virtual host '{VirtualHost}' (missing, or no permission for '{UserName}'): {e.ShutdownReason.ReplyText}",
        _ => $"RabbitMQ at {Display} closed the connection: {e.ShutdownReason?.ReplyText ?? e.Message}",
    };

    private string Explain(BrokerUnreachableException e)
    {
        var causes = Causes(e).ToList();
        if (causes.Any(c => c is AuthenticationFailureException || c.Message.Contains("ACCESS_REFUSED", StringComparison.Ordinal)))
            return $"RabbitMQ at {Display} refused the login of user '{UserName}': wrong user name or password.";

        if (causes.FirstOrDefault(c => c.Message.Contains("NOT_ALLOWED", StringComparison.Ordinal)) is { } vhost)
            return $"RabbitMQ at {Display} refused virtual host '{VirtualHost}' (missing, or no permission for '{UserName}'): {vhost.Message}";

        return $"RabbitMQ at {Display} is unreachable: {causes[^1].Message}";
    }

    private static string? FirstOf(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
            if (cause is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Causes))
                    yield return inner;
                yield break;
            }
        }
    }
}
