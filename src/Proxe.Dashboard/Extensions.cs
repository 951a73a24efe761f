using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Proxe.Dashboard.Auth;
using Proxe.Dashboard.Data;
using Proxe.ServiceDefaults;

namespace Proxe.Dashboard;

public static class Extensions
{
    public static IHostApplicationBuilder AddDashboardApi(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddOpenApi();
        return builder;
    }

    public static IHostApplicationBuilder AddDashboardKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        builder.Services.AddAuthentication(DashboardKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, DashboardKeyHandler>(DashboardKeyHandler.SchemeName, null);
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
        builder.Services.AddNpgsqlDataSource(connectionString);
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
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }
}
