using Alerting.Cli;

return await AlertingCli.RunAsync(args);
