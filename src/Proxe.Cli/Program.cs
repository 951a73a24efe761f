using System.CommandLine;
using Proxe.Cli.Dlq;
using Proxe.Cli.Migrations;

var root = new RootCommand("PROXe operations tool.")
{
    MigrateCommand.Create(),
    DlqCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
