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
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LoadGen run --name N --url U --pid P [--pg-pidfile F] --hook-port H --scenario main|mem100|mem100k|inhibit|storm --duration S [--phases latency,ingest_1,ingest_100,new_100] --out F");
    Console.Error.WriteLine("       LoadGen report --dir D --out F --command C");
    return 2;
}

static Dictionary<string, string> ParseArgs(string[] a)
{
    var d = new Dictionary<string, string>();
    for (var i = 0; i + 1 < a.Length; i += 2) d[a[i].TrimStart('-')] = a[i + 1];
    return d;
}

static class Bench
{
    static HttpClient client = null!;
    static readonly HttpClient slowClient = new() { Timeout = TimeSpan.FromMinutes(10) };
    static string url = "";
    static readonly string StartsAt = DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    public static async Task<int> Run(Dictionary<string, string> o)
    {
        url = o["url"].TrimEnd('/') + "/api/v2/alerts";
        var pid = int.Parse(o["pid"]);
        var pgPidFile = o.GetValueOrDefault("pg-pidfile");
        var duration = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("duration", "20")));
        var scenario = o["scenario"];
        var conns = int.Parse(o.GetValueOrDefault("connections", "16"));
        client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = conns,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        { Timeout = TimeSpan.FromSeconds(60) };

        var hook = new Hook();
        await hook.Start(int.Parse(o["hook-port"]));
        var result = new JsonObject { ["name"] = o["name"], ["scenario"] = scenario, ["connections"] = conns };
        var proc = new Procs(pid, pgPidFile);

        if (scenario == "main")
        {
            // Warm-up: the 10k distinct alerts once, 100 per request (they are then "re-sent" by load 1).
            var distinct = Enumerable.Range(0, 10_000).Select(i => AlertJson($"Ingest{i % 10}", "ingest", $"host-{i}", null)).ToArray();
            var warm = await Load(conns, TimeSpan.FromMinutes(5), 100, n => n < 100 ? distinct.Skip((int)n * 100).Take(100) : null, proc);
            Console.Error.WriteLine($"[{o["name"]}] warm-up: {warm.ToJsonString()}");

            // The first notifications pay for cold code paths (JIT, first connections): 20 unmeasured ones first,
            // reported separately as latency_cold.
            // --phases picks a subset, for profiling one load at a time.
            var phases = o.GetValueOrDefault("phases", "latency,ingest_1,ingest_100,new_100").Split(',').ToHashSet();
            if (phases.Contains("latency"))
            {
                result["latency_cold"] = await Latency(hook, 20, proc);
                result["latency"] = await Latency(hook, 200, proc);
                Console.Error.WriteLine($"[{o["name"]}] latency: {result["latency"]!.ToJsonString()}");
            }

            if (phases.Contains("ingest_1"))
            {
                result["ingest_1"] = await Load(conns, duration, 1, n => [distinct[n % 10_000]], proc);
                Console.Error.WriteLine($"[{o["name"]}] ingest 1/req: {result["ingest_1"]!.ToJsonString()}");
            }

            if (phases.Contains("ingest_100"))
            {
                result["ingest_100"] = await Load(conns, duration, 100,
                    n => Enumerable.Range(0, 100).Select(k => distinct[(int)((n * 100 + k) % 10_000)]), proc);
                Console.Error.WriteLine($"[{o["name"]}] ingest 100/req: {result["ingest_100"]!.ToJsonString()}");
            }

            if (phases.Contains("new_100"))
            {
                var runId = Guid.NewGuid().ToString("N")[..8];
                result["new_100"] = await Load(conns, duration, 100,
                    n => Enumerable.Range(0, 100).Select(k => AlertJson($"New{k % 10}", "ingest", $"new-{runId}-{n * 100 + k}", null)), proc);
                Console.Error.WriteLine($"[{o["name"]}] only-new 100/req: {result["new_100"]!.ToJsonString()}");
            }
            result["hook"] = new JsonObject { ["requests"] = hook.Requests, ["alerts"] = hook.Alerts };
        }
        else if (scenario == "inhibit")
        {
            result["inhibit"] = await Inhibit(conns, proc);
            Console.Error.WriteLine($"[{o["name"]}] inhibit: {result["inhibit"]!.ToJsonString()}");
        }
        else if (scenario == "storm")
        {
            result["storm"] = await Storm(hook, conns, proc);
            Console.Error.WriteLine($"[{o["name"]}] storm: {result["storm"]!.ToJsonString()}");
        }
        else
        {
            var bench = scenario; // mem100: group_by [grp] (100 groups); mem100k: group_by [id] (100k groups)
            await Task.Delay(2000);
            result["rss_before"] = proc.Memory();
            var load = await Load(conns, TimeSpan.FromMinutes(10), 100,
                n => n < 1000 ? Enumerable.Range(0, 100).Select(k => AlertJson("Mem", bench, $"m-{n * 100 + k}", $"g{(n * 100 + k) % 100}")) : null, proc);
            result["load"] = load;
            await Task.Delay(5000); // let background work settle before sampling
            result["rss_after"] = proc.Memory();
            Console.Error.WriteLine($"[{o["name"]}] {scenario}: {result.ToJsonString()}");
        }

        await hook.Stop();
        File.WriteAllText(o["out"], result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>
    /// Load 5: 40k alerts in 4,000 clusters: per cluster one source (severity=critical, posted first) and 9 targets
    /// (severity=warning) of an inhibit rule with equal: [cluster], so 36k of the 40k are inhibited. Timed from the
    /// first POST until every alert is accepted and the API lists all 36k targets as inhibited (both servers
    /// evaluate inhibition for every alert on that GET; Alertmanager scans the sources for each target).
    /// </summary>
    static async Task<JsonObject> Inhibit(int conns, Procs proc)
    {
        const int Clusters = 4_000, Total = 40_000, Targets = Total - Clusters;
        string One(int i) => "{\"labels\":{\"alertname\":\"Inhibit\",\"bench\":\"inhibit\",\"cluster\":\"c" + (i % Clusters) + "\",\"instance\":\"i" + i
            + "\",\"severity\":\"" + (i < Clusters ? "critical" : "warning") + "\"},\"annotations\":{\"summary\":\"inhibition benchmark\"},\"startsAt\":\"" + StartsAt + "\"}";
        var cpu0 = proc.Cpu();
        var sw = Stopwatch.StartNew();
        var load = await Load(conns, TimeSpan.FromMinutes(10), 100,
            n => n < Total / 100 ? Enumerable.Range((int)n * 100, 100).Select(One) : null, proc);
        var ingested = sw.Elapsed.TotalMilliseconds;
        Console.Error.WriteLine($"inhibit: {Total} alerts accepted in {ingested:0} ms: {load.ToJsonString()}");
        var query = url + "?filter=" + Uri.EscapeDataString("bench=\"inhibit\"") + "&filter=" + Uri.EscapeDataString("severity=\"warning\"")
            + "&active=false&silenced=false&inhibited=true";
        int inhibited = 0, polls = 0;
        double lastGetMs = 0;
        while (sw.Elapsed < TimeSpan.FromMinutes(5))
        {
            var t0 = Stopwatch.GetTimestamp();
            using var doc = JsonDocument.Parse(await slowClient.GetStringAsync(query));
            lastGetMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            polls++;
            inhibited = doc.RootElement.EnumerateArray().Count(a => a.GetProperty("status").GetProperty("inhibitedBy").GetArrayLength() > 0);
            if (inhibited >= Targets)
            {
                break;
            }
            await Task.Delay(200);
        }
        var total = sw.Elapsed.TotalMilliseconds;
        var cpu1 = proc.Cpu();
        return new JsonObject
        {
            ["alerts"] = Total,
            ["targets"] = Targets,
            ["accepted"] = load["alerts_accepted"]!.GetValue<long>(),
            ["ingest_ms"] = Math.Round(ingested, 0),
            ["total_ms"] = Math.Round(total, 0),
            ["last_get_ms"] = Math.Round(lastGetMs, 0),
            ["polls"] = polls,
            ["inhibited_listed"] = inhibited,
            ["server_cpu_ms"] = cpu1.Server - cpu0.Server,
            ["pg_cpu_ms"] = cpu1.Pg - cpu0.Pg,
        };
    }

    /// <summary>
    /// Load 6: 10k alerts, each its own group (group_wait 10s), posted as fast as possible so that all groups fall due
    /// within about a second. Counts what reaches the webhook: every group once, none missing, none twice.
    /// </summary>
    static async Task<JsonObject> Storm(Hook hook, int conns, Procs proc)
    {
        const int Groups = 10_000;
        var groupWait = TimeSpan.FromSeconds(10);
        var runId = Guid.NewGuid().ToString("N")[..8];
        // startsAt now: a group whose first alert is older than group_wait would be flushed at once.
        var startsAt = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        string One(int i) => "{\"labels\":{\"alertname\":\"Storm\",\"bench\":\"storm\",\"id\":\"s-" + runId + "-" + i
            + "\",\"severity\":\"warning\"},\"annotations\":{\"summary\":\"flush storm\"},\"startsAt\":\"" + startsAt + "\"}";
        var cpu0 = proc.Cpu();
        var start = Stopwatch.GetTimestamp();
        var sw = Stopwatch.StartNew();
        var load = await Load(conns, TimeSpan.FromMinutes(5), 100,
            n => n < Groups / 100 ? Enumerable.Range((int)n * 100, 100).Select(One) : null, proc);
        var posted = sw.Elapsed;
        var allDue = posted + groupWait; // the last group's group_wait ends here (its POST was answered by then)
        var prefix = $"s-{runId}-";
        int Distinct() => hook.Counts.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));
        while (sw.Elapsed < allDue + TimeSpan.FromMinutes(3) && Distinct() < Groups)
        {
            await Task.Delay(100);
        }
        await Task.Delay(3000); // late duplicates
        var mine = hook.Counts.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var last = mine.Count == 0 ? 0 : mine.Max(kv => hook.LastArrival[kv.Key]);
        var lastMs = last == 0 ? (double?)null : Stopwatch.GetElapsedTime(start, last).TotalMilliseconds;
        var cpu1 = proc.Cpu();
        return new JsonObject
        {
            ["groups"] = Groups,
            ["accepted"] = load["alerts_accepted"]!.GetValue<long>(),
            ["post_ms"] = Math.Round(posted.TotalMilliseconds, 0),
            ["group_wait_ms"] = groupWait.TotalMilliseconds,
            ["delivered_groups"] = mine.Count,
            ["dropped"] = Groups - mine.Count,
            ["duplicates"] = mine.Sum(kv => kv.Value) - mine.Count,
            ["last_webhook_after_all_due_ms"] = lastMs is null ? null : Math.Round(lastMs.Value - allDue.TotalMilliseconds, 0),
            ["server_cpu_ms"] = cpu1.Server - cpu0.Server,
            ["pg_cpu_ms"] = cpu1.Pg - cpu0.Pg,
        };
    }

    static string AlertJson(string alertname, string bench, string id, string? grp) =>
        "{\"labels\":{\"alertname\":\"" + alertname + "\",\"bench\":\"" + bench + "\",\"id\":\"" + id + "\",\"severity\":\"warning\""
        + (grp is null ? "" : ",\"grp\":\"" + grp + "\"")
        + "},\"annotations\":{\"summary\":\"benchmark alert " + id + "\"},\"startsAt\":\"" + StartsAt + "\"}";

    /// <summary>conns workers post batches built by make(requestNumber) (null ends the load) until the deadline.</summary>
    static async Task<JsonObject> Load(int conns, TimeSpan duration, int perRequest, Func<long, IEnumerable<string>?> make, Procs proc)
    {
        long next = -1, ok = 0, failed = 0, acceptedAlerts = 0;
        var lat = new ConcurrentBag<double[]>();
        var cpu0 = proc.Cpu();
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, conns).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>(1 << 16);
            while (sw.Elapsed < duration)
            {
                var n = Interlocked.Increment(ref next);
                var batch = make(n);
                if (batch is null) break;
                var list = batch as IList<string> ?? batch.ToList();
                var body = "[" + string.Join(",", list) + "]";
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new StringContent(body, Encoding.UTF8, "application/json");
                    using var resp = await client.PostAsync(url, content);
                    await resp.Content.ReadAsByteArrayAsync();
                    mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    if (resp.IsSuccessStatusCode) { Interlocked.Increment(ref ok); Interlocked.Add(ref acceptedAlerts, list.Count); }
                    else Interlocked.Increment(ref failed);
                }
                catch (Exception) { Interlocked.Increment(ref failed); }
            }
            lat.Add(mine.ToArray());
        })).ToArray();
        await Task.WhenAll(workers);
        var secs = sw.Elapsed.TotalSeconds;
        var cpu1 = proc.Cpu();
        var all = lat.SelectMany(x => x).Order().ToArray();
        var serverMs = cpu1.Server - cpu0.Server;
        var pgMs = cpu1.Pg - cpu0.Pg;
        return new JsonObject
        {
            ["per_request"] = perRequest,
            ["seconds"] = Math.Round(secs, 2),
            ["requests_ok"] = ok,
            ["requests_failed"] = failed,
            ["alerts_accepted"] = acceptedAlerts,
            ["alerts_per_s"] = Math.Round(acceptedAlerts / secs, 1),
            ["p50_ms"] = Math.Round(Pct(all, 0.50), 2),
            ["p99_ms"] = Math.Round(Pct(all, 0.99), 2),
            ["server_cpu_ms"] = serverMs,
            ["pg_cpu_ms"] = pgMs,
            ["cpu_ms_per_1k"] = acceptedAlerts == 0 ? null : Math.Round((serverMs + pgMs) * 1000.0 / acceptedAlerts, 1),
            ["server_cpu_ms_per_1k"] = acceptedAlerts == 0 ? null : Math.Round(serverMs * 1000.0 / acceptedAlerts, 1),
        };
    }

    /// <summary>POST one alert at a time (group_wait 0, one group each) and time until its webhook arrives.</summary>
    static async Task<JsonObject> Latency(Hook hook, int count, Procs proc)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var sent = new Dictionary<string, long>();
        var failed = 0;
        for (var i = 0; i < count; i++)
        {
            var id = $"lat-{runId}-{i}";
            var body = "[" + AlertJson("Latency", "latency", id, null) + "]";
            sent[id] = Stopwatch.GetTimestamp();
            using var resp = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
            if (!resp.IsSuccessStatusCode) failed++;
            await Task.Delay(20);
        }
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15) && sent.Keys.Any(k => !hook.Arrivals.ContainsKey(k)))
            await Task.Delay(100);
        var inOrder = Enumerable.Range(0, count).Select(i => $"lat-{runId}-{i}").Where(hook.Arrivals.ContainsKey)
            .Select(k => Stopwatch.GetElapsedTime(sent[k], hook.Arrivals[k]).TotalMilliseconds).ToArray();
        var lat = inOrder.Order().ToArray();
        return new JsonObject
        {
            ["sent"] = count,
            ["post_failed"] = failed,
            ["delivered"] = lat.Length,
            ["p50_ms"] = lat.Length == 0 ? null : Math.Round(Pct(lat, 0.50), 2),
            ["p99_ms"] = lat.Length == 0 ? null : Math.Round(Pct(lat, 0.99), 2),
            ["max_ms"] = lat.Length == 0 ? null : Math.Round(lat[^1], 2),
            ["over_100ms"] = lat.Count(x => x > 100),
            ["over_900ms"] = lat.Count(x => x > 900),
            ["first_10_ms"] = new JsonArray(inOrder.Take(10).Select(x => (JsonNode)Math.Round(x, 1)).ToArray()),
        };
    }

    static double Pct(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>Webhook receiver: counts requests and alerts, and stamps the first arrival of each alert's id label.</summary>
sealed class Hook
{
    WebApplication? app;
    public readonly ConcurrentDictionary<string, long> Arrivals = new();
    public readonly ConcurrentDictionary<string, int> Counts = new();
    public readonly ConcurrentDictionary<string, long> LastArrival = new();
    long requests, alerts;
    public long Requests => Interlocked.Read(ref requests);
    public long Alerts => Interlocked.Read(ref alerts);

    public async Task Start(int port)
    {
        var b = WebApplication.CreateSlimBuilder();
        b.Logging.ClearProviders();
        b.WebHost.UseUrls($"http://127.0.0.1:{port}");
        app = b.Build();
        app.MapPost("/{**path}", async (HttpContext ctx) =>
        {
            var now = Stopwatch.GetTimestamp();
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            Interlocked.Increment(ref requests);
            if (doc.RootElement.TryGetProperty("alerts", out var list))
                foreach (var a in list.EnumerateArray())
                {
                    Interlocked.Increment(ref alerts);
                    if (a.TryGetProperty("labels", out var l) && l.TryGetProperty("id", out var id))
                    {
                        var key = id.GetString()!;
                        Arrivals.TryAdd(key, now);
                        Counts.AddOrUpdate(key, 1, (_, c) => c + 1);
                        LastArrival[key] = now;
                    }
                }
            return Results.Ok();
        });
        await app.StartAsync();
    }

    public async Task Stop() { if (app is not null) await app.StopAsync(); }
}

/// <summary>CPU (utime+stime) and memory of the server and, for Alerting, of its PostgreSQL processes.</summary>
sealed class Procs(int pid, string? pgPidFile)
{
    const double TickMs = 10; // USER_HZ is 100 on Linux

    int? Postmaster()
    {
        if (pgPidFile is null || !File.Exists(pgPidFile)) return null;
        return int.TryParse(File.ReadLines(pgPidFile).FirstOrDefault(), out var p) ? p : null;
    }

    static string[]? Stat(int p)
    {
        try
        {
            var s = File.ReadAllText($"/proc/{p}/stat");
            return s[(s.LastIndexOf(')') + 2)..].Split(' '); // fields from 3 (state) on
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    // stat field n (1-based, as in proc(5)) is index n-3 here.
    static double Ticks(string[] f, bool children) =>
        long.Parse(f[14 - 3]) + long.Parse(f[15 - 3]) + (children ? long.Parse(f[16 - 3]) + long.Parse(f[17 - 3]) : 0);

    List<int> PgPids()
    {
        var pm = Postmaster();
        if (pm is null) return [];
        var pids = new List<int> { pm.Value };
        foreach (var d in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(d), out var p) && Stat(p) is { } f && f[4 - 3] == pm.Value.ToString())
                pids.Add(p);
        return pids;
    }

    public (double Server, double Pg) Cpu()
    {
        var server = Stat(pid) is { } f ? Ticks(f, false) * TickMs : 0;
        double pg = 0;
        var pm = Postmaster();
        foreach (var p in PgPids())
            if (Stat(p) is { } g) pg += Ticks(g, children: p == pm) * TickMs; // postmaster's cutime covers exited backends
        return (server, pg);
    }

    static long StatusKb(int p, string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{p}/{file}"))
                if (line.StartsWith(key + ":"))
                    return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0]);
        }
        catch (IOException) { }
        return 0;
    }

    public JsonObject Memory()
    {
        var pg = PgPids();
        return new JsonObject
        {
            ["server_rss_mb"] = Math.Round(StatusKb(pid, "status", "VmRSS") / 1024.0, 1),
            ["pg_processes"] = pg.Count,
            ["pg_rss_sum_mb"] = pg.Count == 0 ? null : Math.Round(pg.Sum(p => StatusKb(p, "status", "VmRSS")) / 1024.0, 1),
            ["pg_pss_sum_mb"] = pg.Count == 0 ? null : Math.Round(pg.Sum(p => StatusKb(p, "smaps_rollup", "Pss")) / 1024.0, 1),
        };
    }
}

static class Report
{
    public static int Write(Dictionary<string, string> o)
    {
        var dir = o["dir"];
        JsonNode? J(string f) => File.Exists(Path.Combine(dir, f)) ? JsonNode.Parse(File.ReadAllText(Path.Combine(dir, f))) : null;
        var a = J("alerting-main.json"); var m = J("alertmanager-main.json");
        var a100 = J("alerting-mem100.json"); var m100 = J("alertmanager-mem100.json");
        var a100k = J("alerting-mem100k.json"); var m100k = J("alertmanager-mem100k.json");
        var sb = new StringBuilder();
        string Num(JsonNode? n) => n is null ? "not measured" : n.ToString();
        string Ratio(JsonNode? x, JsonNode? y)
        {
            if (x is null || y is null) return "–";
            var (dx, dy) = (x.GetValue<double>(), y.GetValue<double>());
            return dy == 0 ? "–" : (dx / dy).ToString("0.00") + "×";
        }
        void Row(string what, JsonNode? x, JsonNode? y, string note = "") =>
            sb.AppendLine($"| {what} | {Num(x)} | {Num(y)} | {Ratio(x, y)} | {note} |");

        sb.AppendLine("# Benchmarks: Alerting beside Alertmanager 0.25");
        sb.AppendLine();
        sb.AppendLine("Generated by `bench/run.sh` (see [bench/README.md](../bench/README.md)); the figures below are the output of one run,");
        sb.AppendLine("where both servers took the same loads in turn. Raw numbers on a shared 2-core machine swing a lot");
        sb.AppendLine("between runs; compare the ratios (Alerting ÷ Alertmanager), not the absolute values. A ratio above 1×");
        sb.AppendLine("is better for Alerting in alerts/s and worse in every other row (ms, CPU, MB).");
        sb.AppendLine("Issue 7's targets: alerts/s ≥ 1.0×, CPU per alert ≤ 1.0×, RSS with 100k groups ≤ 0.25× and with 100 groups ≤ 1.0×,");
        sb.AppendLine("latency p50 ≤ 5 ms and p99 ≤ 50 ms, inhibition load ≤ 0.033× (30× faster), flush storm: every group once.");
        sb.AppendLine();
        sb.AppendLine($"- **Date:** {o.GetValueOrDefault("date", DateTime.UtcNow.ToString("u"))}");
        sb.AppendLine($"- **Machine:** {o.GetValueOrDefault("machine", "?")}");
        sb.AppendLine($"- **Command:** `{o.GetValueOrDefault("command", "bench/run.sh")}`");
        sb.AppendLine($"- **Versions:** {o.GetValueOrDefault("versions", "?")}");
        sb.AppendLine("- **Load generator:** `bench/LoadGen`, .NET HttpClient, 16 connections, on the same 2 cores as the server under test (it competes for CPU).");
        sb.AppendLine();
        sb.AppendLine("## Figures");
        sb.AppendLine();
        sb.AppendLine("| Figure | Alerting | Alertmanager | Ratio (A ÷ AM) | Notes |");
        sb.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var (key, label) in new[] { ("ingest_1", "1. 10k distinct alerts re-sent, 1 alert/request"), ("ingest_100", "1. 10k distinct alerts re-sent, 100 alerts/request"), ("new_100", "2. only-new alerts, 100 alerts/request") })
        {
            var x = a?[key]; var y = m?[key];
            Row($"{label}: alerts/s", x?["alerts_per_s"], y?["alerts_per_s"], $"{x?["seconds"]}s / {y?["seconds"]}s; failed requests {x?["requests_failed"]} / {y?["requests_failed"]}");
            Row($"{label}: request p50 ms", x?["p50_ms"], y?["p50_ms"]);
            Row($"{label}: request p99 ms", x?["p99_ms"], y?["p99_ms"]);
            Row($"{label}: CPU-ms per 1k alerts (server + its PostgreSQL)", x?["cpu_ms_per_1k"], y?["cpu_ms_per_1k"], "Alertmanager has no database; its figure is its own process only");
            Row($"{label}: CPU-ms per 1k alerts (server process only)", x?["server_cpu_ms_per_1k"], y?["server_cpu_ms_per_1k"]);
        }
        Row("3. RSS MB, server process, idle before loading (100-group run)", a100?["rss_before"]?["server_rss_mb"], m100?["rss_before"]?["server_rss_mb"]);
        Row("3. RSS MB, server process, 100k active alerts in 100 groups", a100?["rss_after"]?["server_rss_mb"], m100?["rss_after"]?["server_rss_mb"], $"alerts accepted {a100?["load"]?["alerts_accepted"]} / {m100?["load"]?["alerts_accepted"]}");
        Row("3. RSS MB, server + PostgreSQL (PSS sum), 100k alerts in 100 groups", Sum(a100?["rss_after"]?["server_rss_mb"], a100?["rss_after"]?["pg_pss_sum_mb"]), m100?["rss_after"]?["server_rss_mb"]);
        Row("3. RSS MB, server process, 100k active alerts in 100k groups", a100k?["rss_after"]?["server_rss_mb"], m100k?["rss_after"]?["server_rss_mb"], $"alerts accepted {a100k?["load"]?["alerts_accepted"]} / {m100k?["load"]?["alerts_accepted"]}");
        Row("3. RSS MB, server + PostgreSQL (PSS sum), 100k alerts in 100k groups", Sum(a100k?["rss_after"]?["server_rss_mb"], a100k?["rss_after"]?["pg_pss_sum_mb"]), m100k?["rss_after"]?["server_rss_mb"]);
        Row("4. POST → webhook latency, group_wait 0 (after 20 warm-up notifications): p50 ms", a?["latency"]?["p50_ms"], m?["latency"]?["p50_ms"], $"delivered {a?["latency"]?["delivered"]}/{a?["latency"]?["sent"]} and {m?["latency"]?["delivered"]}/{m?["latency"]?["sent"]}");
        Row("4. POST → webhook latency, group_wait 0 (after 20 warm-up notifications): p99 ms", a?["latency"]?["p99_ms"], m?["latency"]?["p99_ms"]);
        Row("4. cold start: latency of the first of 20 unmeasured warm-up notifications, ms", a?["latency_cold"]?["first_10_ms"]?[0], m?["latency_cold"]?["first_10_ms"]?[0], "sent before the 200 measured ones");
        var ai = J("alerting-inhibit.json")?["inhibit"]; var mi = J("alertmanager-inhibit.json")?["inhibit"];
        Row("5. inhibition, 40k alerts (36k inhibited): first POST → all accepted and listed as inhibited, ms", ai?["total_ms"], mi?["total_ms"],
            $"target ≤ 0.033× (30× faster); accepted {ai?["accepted"]} / {mi?["accepted"]}, inhibited listed {ai?["inhibited_listed"]} / {mi?["inhibited_listed"]}");
        Row("5. inhibition: of which POSTs (100 alerts/request, 16 connections), ms", ai?["ingest_ms"], mi?["ingest_ms"]);
        Row("5. inhibition: of which the GET listing the inhibited alerts, ms", ai?["last_get_ms"], mi?["last_get_ms"], $"polls {ai?["polls"]} / {mi?["polls"]}");
        Row("5. inhibition: CPU-ms, server (+ PostgreSQL for Alerting)", Sum(ai?["server_cpu_ms"], ai?["pg_cpu_ms"]), mi?["server_cpu_ms"]);
        var ast = J("alerting-storm.json")?["storm"]; var mst = J("alertmanager-storm.json")?["storm"];
        Row("6. flush storm, 10k groups due together: last webhook after the last group fell due, ms", ast?["last_webhook_after_all_due_ms"], mst?["last_webhook_after_all_due_ms"],
            $"group_wait {ast?["group_wait_ms"]} ms; POSTs took {ast?["post_ms"]} / {mst?["post_ms"]} ms");
        Row("6. flush storm: groups delivered (of 10000)", ast?["delivered_groups"], mst?["delivered_groups"]);
        Row("6. flush storm: groups dropped", ast?["dropped"], mst?["dropped"], "target 0");
        Row("6. flush storm: duplicate notifications", ast?["duplicates"], mst?["duplicates"], "target 0");
        Row("6. flush storm: CPU-ms, server (+ PostgreSQL for Alerting)", Sum(ast?["server_cpu_ms"], ast?["pg_cpu_ms"]), mst?["server_cpu_ms"]);
        sb.AppendLine();
        sb.AppendLine("Alerting's PostgreSQL, measured separately (memory runs, after loading):");
        sb.AppendLine();
        sb.AppendLine("| Run | PostgreSQL processes | RSS sum MB (counts shared buffers once per process) | PSS sum MB |");
        sb.AppendLine("| --- | --- | --- | --- |");
        foreach (var (n, r) in new[] { ("idle, before loading", a100?["rss_before"]), ("100k alerts in 100 groups", a100?["rss_after"]), ("100k alerts in 100k groups", a100k?["rss_after"]) })
            sb.AppendLine($"| {n} | {Num(r?["pg_processes"])} | {Num(r?["pg_rss_sum_mb"])} | {Num(r?["pg_pss_sum_mb"])} |");
        sb.AppendLine();
        sb.AppendLine("## Raw results");
        sb.AppendLine();
        sb.AppendLine("The JSON written by the load generator for each server and run:");
        sb.AppendLine();
        foreach (var f in Directory.GetFiles(dir, "*.json").Order())
        {
            sb.AppendLine($"<details><summary>{Path.GetFileName(f)}</summary>");
            sb.AppendLine();
            sb.AppendLine("```json");
            sb.AppendLine(File.ReadAllText(f).Trim());
            sb.AppendLine("```");
            sb.AppendLine();
            sb.AppendLine("</details>");
            sb.AppendLine();
        }
        var notes = o.GetValueOrDefault("notes");
        if (notes is not null && File.Exists(notes)) sb.AppendLine(File.ReadAllText(notes).Trim()).AppendLine();
        // Hand-written profiling findings beside the notes, kept across runs.
        var findings = notes is null ? null : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(notes))!, "findings.md");
        if (findings is not null && File.Exists(findings)) sb.AppendLine(File.ReadAllText(findings).Trim()).AppendLine();
        File.WriteAllText(o["out"], sb.ToString());
        return 0;
    }

    static JsonNode? Sum(JsonNode? x, JsonNode? y) =>
        x is null || y is null ? null : JsonValue.Create(Math.Round(x.GetValue<double>() + y.GetValue<double>(), 1));
}
