using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Micro -- --filter '*'   (or bench/micro.sh)
BenchmarkSwitcher.FromAssembly(typeof(Alerting.Benchmarks.LabelBenchmarks).Assembly).Run(args);
