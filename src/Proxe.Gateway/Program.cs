using Proxe.Gateway;
using Proxe.Gateway.Interactions;
using Proxe.Gateway.Providers;
using Proxe.ServiceDefaults;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayApi();
builder.AddBrands();
builder.AddInteractionPublishing();
builder.AddProviderWebhooks();

var app = builder.Build();
app.UseNoStoreAnswers();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapOpenApi();
app.MapScalarApiReference();
app.MapDefaultEndpoints();
app.MapInteractionEndpoints();
app.MapProviderWebhooks();

app.Run();

public partial class Program;
