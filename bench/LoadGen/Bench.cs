using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

// The loads, their phases and what each measures.
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
            // Twice in one process: the first storm meets code that has not run yet (.NET tiers it up while the storm
            // runs), the second the warm process a storm meets in service, as load 4 warms up before it measures.
            result["storm_cold"] = await Storm(hook, conns, proc);
            Console.Error.WriteLine($"[{o["name"]}] storm, cold: {result["storm_cold"]!.ToJsonString()}");
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
    /// within about a second. Counts what reaches the webhook: every group once, none missing, none twice. Each call
    /// makes new groups (its own run id), so a second storm's count is its own.
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
