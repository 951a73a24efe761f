using Microsoft.AspNetCore.Diagnostics;

namespace Proxe.Gateway.Http;

/// <summary>
/// What Kestrel and the framework throw for the client's own faults (a body sent too slowly → 408, a malformed request
/// line or an oversize body → 400/413) becomes that 4xx as problem details in every environment, never a 500.
/// </summary>
public sealed class ClientErrorHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
            return false;

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status408RequestTimeout ? "Request timeout" : "Bad request",
                Detail = bad.StatusCode == StatusCodes.Status408RequestTimeout
                    ? "The request body arrived too slowly."
                    : "The request could not be read.",
            },
        });
    }
}
