using Alerting.Cli;
using Alerting.Hosting;

NativeHeap.LimitArenas();
return await AlertingCli.RunAsync(args, AlertingServer.RunAsync);
