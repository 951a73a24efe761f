using System.CommandLine;

namespace Proxe.Cli.Demo;

/// <summary><c>proxe demo</c>: posts the seed's three scenarios through the gateway and shows where they landed.</summary>
public static class DemoCommand
{
    public const string ApiKeyVariable = "PROXE_DEMO_API_KEY";
    public const string BrandVariable = "PROXE_DEMO_BRAND";
    public const string DefaultGateway = "http://127.0.0.1:5080";
    public const string DefaultDashboard = "http://127.0.0.1:5081";
    public const string DefaultBrand = "demo";
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <param name="gatewayClient">Tests pass a client of an in-process gateway; otherwise one is made for --gateway.</param>
    public static Command Create(HttpClient? gatewayClient = null)
    {
        var gateway = UrlOption("--gateway", "Base URL of the PROXe gateway.", DefaultGateway);
        // No DefaultValueFactory: --help prints defaults, and this one is a secret.
        var key = new Option<string?>("--key") { Description = $"The brand's X-Proxe-Key (default: ${ApiKeyVariable}, which ./run.sh writes to .proxe/local.env)." };
        var brand = new Option<string>("--brand")
        {
            Description = $"The brand the key belongs to (default: ${BrandVariable}, else {DefaultBrand}).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(BrandVariable) is { Length: > 0 } name ? name : DefaultBrand,
        };
        var database = new Option<string?>("--db")
        {
            Description = "Npgsql connection string of the PROXe database: wait until the workers recorded everything, then print the leads.",
        };
        var dashboard = UrlOption("--dashboard", "Dashboard URL to print at the end.", DefaultDashboard);
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the workers (with --db).",
            DefaultValueFactory = _ => 60,
        };
        timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
                result.AddError("--timeout must be at least 1 second.");
        });

        var command = new Command("demo", "Post the seed's three scenarios (WhatsApp only; Web then WhatsApp; Voice, Web, WhatsApp) through POST /v1/interactions.")
        {
            gateway,
            key,
            brand,
            database,
            dashboard,
            timeout,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var apiKey = parseResult.GetValue(key) is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable(ApiKeyVariable);
            if (string.IsNullOrWhiteSpace(apiKey))
            {
                await error.WriteLineAsync($"No key given: pass --key or set {ApiKeyVariable} (set -a; . .proxe/local.env after ./run.sh).");
                return ExitCodes.Usage;
            }

            var settings = new DemoSettings(
                parseResult.GetRequiredValue(brand),
                parseResult.GetValue(database),
                parseResult.GetRequiredValue(dashboard),
                TimeSpan.FromSeconds(parseResult.GetValue(timeout)));

            using var ownClient = gatewayClient is null ? new HttpClient { BaseAddress = WithTrailingSlash(parseResult.GetRequiredValue(gateway)), Timeout = RequestTimeout } : null;
            try
            {
                return await DemoRun.RunAsync(new DemoGateway(gatewayClient ?? ownClient!, apiKey), settings, output, cancellationToken);
            }
            catch (CliException e)
            {
                await output.FlushAsync(CancellationToken.None);
                await error.WriteLineAsync(e.Message);
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("Interrupted.");
                return ExitCodes.Interrupted;
            }
        });

        return command;
    }

    static Option<Uri> UrlOption(string name, string description, string defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => new Uri(defaultValue),
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                return uri;
            result.AddError($"{name} must be an http(s) URL, e.g. {defaultValue}.");
            return null;
        },
    };

    // Relative paths resolve under the base only when it ends with a slash (a gateway behind a path prefix).
    static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

public sealed record DemoSettings(string Brand, string? Database, Uri Dashboard, TimeSpan Timeout)
{
    /// <summary>Without --db the demo cannot see the workers; this pause lets the first channel create the lead before the next one.</summary>
    public static readonly TimeSpan ChannelSwitchPause = TimeSpan.FromSeconds(2);
}
