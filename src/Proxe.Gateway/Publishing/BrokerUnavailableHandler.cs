using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Proxe.Gateway.Http;

namespace Proxe.Gateway.Publishing;

/// <summary>When neither the broker nor the spool can take a request, any endpoint answers 503 + Retry-After, so the caller (or provider) retries later.</summary>
public sealed class BrokerUnavailableHandler(IOptions<PublishingOptions> options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BrokerUnavailableException unavailable)
            return false;

        var result = GatewayProblems.ServiceUnavailable(httpContext.Response, unavailable.RetryAfter ?? options.Value.BreakDuration, unavailable.Message);
        await result.ExecuteAsync(httpContext);
        return true;
    }
}
