using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Proxe.Contracts;
using Proxe.Gateway.Brands;
using Proxe.Gateway.Http;
using Proxe.Gateway.Providers.Signatures;
using Proxe.Domain;

namespace Proxe.Gateway.Providers.Twilio;

public static class TwilioVoiceEndpoints
{
    public const string IncomingPath = "/webhooks/twilio/voice";
    public const string StatusPath = "/webhooks/twilio/voice/status";

    public static IEndpointRouteBuilder MapTwilioVoiceWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(IncomingPath, Incoming)
            .WithName("TwilioIncomingCall")
            .WithSummary("Twilio Voice: incoming call")
            .WithDescription(
                "Twilio's voice webhook (application/x-www-form-urlencoded, X-Twilio-Signature). Routed by the brand's number " +
                "(To for inbound calls, From for outbound ones). Records the call start and answers the brand's IncomingCallTwiml " +
                "(text/xml). Unknown number: 404 problem.")
            .Accepts<Dictionary<string, string>>(WebhookRequest.Form)
            .Produces<string>(StatusCodes.Status200OK, "text/xml")
            .ProducesWebhookProblems(StatusCodes.Status404NotFound)
            .WithFormExamples(("incoming", "An inbound call, ringing", ProviderExamples.TwilioIncoming));

        app.MapPost(StatusPath, Callback)
            .WithName("TwilioCallCallback")
            .WithSummary("Twilio Voice: status, recording and transcription callbacks")
            .WithDescription(
                "Call progress (CallStatus, SequenceNumber, CallDuration), recording (RecordingSid, RecordingStatus, RecordingUrl) and " +
                "transcription (TranscriptionSid, TranscriptionText) callbacks; answered 204. Recording callbacks carry no numbers: " +
                "point them at this URL with ?brand=<brand> (the query is part of the signed URL).")
            .Accepts<Dictionary<string, string>>(WebhookRequest.Form)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesWebhookProblems(StatusCodes.Status404NotFound)
            .WithFormExamples(("completed", "The call completed", ProviderExamples.TwilioCompleted));
        return app;
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> Incoming(
        HttpRequest request, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var (call, problem) = await ReceiveAsync(request, services, TwilioVoiceInteractions.Incoming, cancellationToken);
        if (call is null)
            return problem!;

        var twiml = string.IsNullOrWhiteSpace(call.Settings.Twilio.IncomingCallTwiml) ? TwilioVoiceInteractions.DefaultTwiml : call.Settings.Twilio.IncomingCallTwiml;
        return TypedResults.Text(twiml, "text/xml");
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Callback(
        HttpRequest request, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var (call, problem) = await ReceiveAsync(request, services, TwilioVoiceInteractions.Callback, cancellationToken);
        return call is null ? problem! : TypedResults.NoContent();
    }

    private delegate ChannelInteractionReceived? CallMapper(
        IReadOnlyDictionary<string, StringValues> form, string brand, BrandSettings settings, DateTimeOffset receivedAt, out string? error);

    /// <summary>Both Twilio webhooks: the verified call, mapped by <paramref name="map"/>, published through the shared pipeline.</summary>
    private static async Task<(VerifiedCall? Call, ProblemHttpResult? Problem)> ReceiveAsync(
        HttpRequest request, WebhookServices services, CallMapper map, CancellationToken cancellationToken)
    {
        var (call, problem) = await ReadAsync(request, services.Brands, services.Options.Value, services.Logger, cancellationToken);
        if (call is null)
            return (null, problem);

        var interaction = map(call.Form, call.Brand, call.Settings, services.Time.GetUtcNow(), out var error);
        if (interaction is null)
        {
            services.Logger.LogWarning("Refused a Twilio webhook: {Error}", error);
            return (null, WebhookRequest.Malformed(error!));
        }

        var batch = new WebhookBatch();
        batch.Brands[call.Brand] = call.Settings;
        batch.Interactions.Add(interaction);
        problem = await SignedWebhook.PublishAsync("Twilio", batch, services, cancellationToken);
        return problem is null ? (call, null) : (null, problem);
    }

    private sealed record VerifiedCall(Dictionary<string, StringValues> Form, string Brand, BrandSettings Settings);

    /// <summary>Media type, size, form, the signature (by any brand's auth token), then the brand by number, which must be a signer.</summary>
    private static async Task<(VerifiedCall? Call, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, BrandCatalog brands, ProviderOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (!WebhookRequest.HasUrlEncodedForm(request))
            return (null, GatewayProblems.UnsupportedMediaType(WebhookRequest.Form));

        var body = await RequestBody.ReadAsync(request, options.MaxBodyBytes, cancellationToken);
        if (body is null)
            return (null, GatewayProblems.PayloadTooLarge(options.MaxBodyBytes));

        Dictionary<string, StringValues> form;
        try
        {
            using var reader = new FormReader(new MemoryStream(body));
            form = await reader.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            logger.LogWarning("Refused a Twilio webhook: unreadable form ({Reason})", ex.Message);
            return (null, WebhookRequest.Malformed("The body is not a readable application/x-www-form-urlencoded form."));
        }

        // The signature first, with every brand's auth token: an unsigned request gets the same 401 whatever brand or
        // number it names, so neither can be probed.
        var url = PublicUrl(request, options);
        var signedBy = BrandSecrets.Verifying(brands, s => s.Twilio.AuthToken,
            token => TwilioSignature.IsValid(url, form, request.Headers[TwilioSignature.Header], token));
        if (signedBy.Count == 0)
        {
            logger.LogWarning("Refused a Twilio webhook: {Header} missing or made with no configured auth token for {Url}", TwilioSignature.Header, url);
            return (null, WebhookRequest.BadSignature(TwilioSignature.Header));
        }

        if (!TwilioVoiceInteractions.TryRoute(form, request.Query["brand"], brands, out var brand, out var settings))
        {
            var (brandNumber, _) = TwilioVoiceInteractions.Numbers(form);
            logger.LogWarning("Refused a Twilio webhook for {Number}: no brand owns this number", Masking.Phone(brandNumber));
            return (null, WebhookRequest.UnknownAccount("No brand is configured for this Twilio number; add it to Proxe:Brands:<brand>:Twilio:PhoneNumbers."));
        }

        if (!signedBy.Contains(brand))
        {
            logger.LogWarning("Refused a Twilio webhook for brand {Brand}: signed with another brand's auth token", brand);
            return (null, WebhookRequest.BadSignature(TwilioSignature.Header));
        }

        return (new VerifiedCall(form, brand, settings), null);
    }

    /// <summary>Twilio signs the URL it called; behind a proxy that is the configured public base URL, not ours.</summary>
    internal static string PublicUrl(HttpRequest request, ProviderOptions options)
    {
        var baseUrl = string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}"
            : options.PublicBaseUrl.TrimEnd('/');
        return baseUrl + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
    }
}
