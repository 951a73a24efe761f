using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Proxe.Database;
using Proxe.Dashboard.Leads;
using Proxe.Dashboard.Auth;
using Proxe.Dashboard.Data;
using Proxe.ServiceDefaults;

namespace Proxe.Dashboard;

public static class Extensions
{
    public static IHostApplicationBuilder AddDashboardApi(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        // A parameter that does not bind is a 400 problem in every environment, never an exception page.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<LeadContextExample>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    public const string CredentialsScheme = "DashboardCredentials";

    public static IHostApplicationBuilder AddDashboardKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        var jwt = builder.Configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>()?.Jwt ?? new DashboardJwtSettings();
        builder.Services.AddAuthentication(CredentialsScheme)
            // Both credentials may come as Authorization: Bearer; a JWT goes to the JWT handler only when one is configured.
            .AddPolicyScheme(CredentialsScheme, null, o =>
            {
                o.ForwardDefaultSelector = context =>
                    jwt.Enabled && context.Request.Headers.Authorization.ToString() is { } header
                        && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && SupabaseJwt.LooksLikeJwt(header[7..].Trim())
                        ? SupabaseJwt.SchemeName
                        : DashboardKeyHandler.SchemeName;
                o.ForwardChallenge = DashboardKeyHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, DashboardKeyHandler>(DashboardKeyHandler.SchemeName, null)
            .AddJwtBearer(SupabaseJwt.SchemeName, o => SupabaseJwt.Configure(o, jwt));
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>
    /// ConnectionStrings:Proxe names a login that may take proxe_reader, normally with Options=-c role=proxe_reader.
    /// </summary>
    public static IHostApplicationBuilder AddReaderDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Proxe")
            ?? throw new InvalidOperationException("ConnectionStrings:Proxe is not configured.");
        // Pooled: a request's context costs no allocation of its services, only the connection it borrows.
        builder.Services.AddPooledDbContextFactory<ProxeDbContext>(options => ProxeDbContext.Configure(options, connectionString));
        builder.Services.AddSingleton<ReaderDatabase>();
        builder.AddPostgresReadiness();
        return builder;
    }

    /// <summary>The page only loads its own files and renders data as text, never as markup.</summary>
    public static IApplicationBuilder UseDashboardPage(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            // Every answer of the API carries customers' personal data or is about to: no cache may keep it.
            if (context.Request.Path.StartsWithSegments("/api"))
                headers.CacheControl = "no-store";
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }
}
