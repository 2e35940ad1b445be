using Alerting.Cli;
using Alerting.Hosting;

return await AlertingCli.RunAsync(args, AlertingServer.RunAsync);
