using System.CommandLine;
using Proxe.Cli.Migrations;

var root = new RootCommand("PROXe operations tool.")
{
    MigrateCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
