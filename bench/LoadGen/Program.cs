// Load generator for bench/run.sh: applies the same loads to Alerting and to Alertmanager, runs a
// webhook receiver that counts and timestamps what arrives, samples server CPU and RSS from /proc,
// and writes docs/benchmarks.md from the JSON results.
//
//   LoadGen run    --name alerting --url http://127.0.0.1:19093 --pid 123 [--pg-pidfile F] --hook-port 19101
//                  --scenario main|mem100|mem100k|inhibit|storm --duration 20 --out results/alerting-main.json
//   LoadGen report --dir results --out docs/benchmarks.md --command "bench/run.sh"
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

var opts = ParseArgs(args.Skip(1).ToArray());
return args.FirstOrDefault() switch
{
    "run" => await Bench.Run(opts),
    "report" => Report.Write(opts),
    "soak" => await Soak.Run(opts),
    "startup" => await Startup.Run(opts),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LoadGen run --name N --url U --pid P [--pg-pidfile F] --hook-port H --scenario main|mem100|mem100k|inhibit|storm --duration S [--phases latency,ingest_1,ingest_100,new_100] --out F");
    Console.Error.WriteLine("       LoadGen soak --url U --pid P --pg-pidfile F --psql 'PSQL ARGS' --hook-port H --duration S --csv F --out F");
    Console.Error.WriteLine("       LoadGen startup --name N --url U --exec start.sh [--pg-pidfile F] --hook-port H --runs 5 --out F");
    Console.Error.WriteLine("       LoadGen report --dir D --out F --command C");
    return 2;
}

static Dictionary<string, string> ParseArgs(string[] a)
{
    var d = new Dictionary<string, string>();
    for (var i = 0; i + 1 < a.Length; i += 2) d[a[i].TrimStart('-')] = a[i + 1];
    return d;
}
