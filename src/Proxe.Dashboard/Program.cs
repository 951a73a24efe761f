using Proxe.Dashboard;
using Proxe.Dashboard.Auth;
using Proxe.Dashboard.Leads;
using Proxe.Dashboard.Live;
using Proxe.Dashboard.Stats;
using Proxe.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDashboardApi();
builder.AddDashboardKeys();
builder.AddReaderDatabase();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDashboardPage();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapMeEndpoints();
app.MapLeadEndpoints();
app.MapStatsEndpoints();
app.MapChangeEndpoints();

app.Run();

public partial class Program;
