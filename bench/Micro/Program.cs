using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Micro -- --filter '*'   (or bench/micro.sh)
// dotnet run -c Release --project bench/Micro -- gotemplates-dump DIR   (bench/gotemplates.sh: data.json and hashes)
if (args is ["gotemplates-dump", var dir])
{
    Alerting.Benchmarks.GoTemplateData.Dump(dir);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Alerting.Benchmarks.LabelBenchmarks).Assembly).Run(args);
