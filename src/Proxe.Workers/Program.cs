using Proxe.ServiceDefaults;
using Proxe.Workers;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWorkers();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

public partial class Program;
