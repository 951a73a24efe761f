using System.CommandLine;
using Proxe.Cli.Demo;
using Proxe.Cli.Dlq;
using Proxe.Cli.Migrations;

var root = new RootCommand("PROXe operations tool.")
{
    MigrateCommand.Create(),
    DlqCommand.Create(),
    DemoCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
