using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>
/// Scenario startup: the server is started by `sh --exec` (a script that execs it on existing storage), RUNS times after an
/// untimed first start. Per run: process start to the first 200 from /-/ready, then an alert posted at once on the
/// group_wait 0 route, and process start to its notification at the webhook; then SIGTERM and wait for the exit.
/// Before the timed starts, one start without any alert is left idle for 10 s and its memory read (RSS at rest).
/// </summary>
static class Startup
{
    public static async Task<int> Run(Dictionary<string, string> o)
    {
        var baseUrl = o["url"].TrimEnd('/');
        var runs = int.Parse(o.GetValueOrDefault("runs", "5"), CultureInfo.InvariantCulture);
        var hook = new Hook();
        await hook.Start(int.Parse(o["hook-port"]));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var post = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var ready = new List<double>();
        var notified = new List<double>();
        var cpu = new List<double>();
        var pgCpu = new List<double>();

        // First start: creates the storage (initdb and migrations for Alerting), untimed. Then the at-rest memory of a
        // start on that storage without alerts, as every later start is.
        var rest = new JsonObject();
        await Stop((await Start(o["exec"], baseUrl, http)).Process);
        {
            var (p, _, _) = await Start(o["exec"], baseUrl, http);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("rest-s", "10"), CultureInfo.InvariantCulture)));
                var procs = new Procs(p.Id, o.GetValueOrDefault("pg-pidfile"));
                rest = procs.Memory();
                rest["server_threads"] = procs.Threads();
            }
            finally
            {
                await Stop(p);
            }
        }
        for (var i = 0; i < runs; i++)
        {
            var (p, started, readyMs) = await Start(o["exec"], baseUrl, http);
            try
            {
                // CPU time spent until ready: on a loaded machine the wall-clock time says more about the neighbours.
                var (serverCpu, postgresCpu) = new Procs(p.Id, o.GetValueOrDefault("pg-pidfile")).Cpu();
                cpu.Add(serverCpu);
                pgCpu.Add(postgresCpu);
                var id = $"startup-{Guid.NewGuid():N}";
                var body = "[{\"labels\":{\"alertname\":\"Startup\",\"bench\":\"latency\",\"id\":\"" + id + "\",\"severity\":\"warning\"}}]";
                using (var resp = await post.PostAsync(baseUrl + "/api/v2/alerts", new StringContent(body, Encoding.UTF8, "application/json")))
                {
                    resp.EnsureSuccessStatusCode();
                }
                var deadline = Stopwatch.StartNew();
                while (!hook.Arrivals.ContainsKey(id) && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(2);
                var notifiedMs = hook.Arrivals.TryGetValue(id, out var at) ? Stopwatch.GetElapsedTime(started, at).TotalMilliseconds : double.NaN;
                ready.Add(Math.Round(readyMs, 0));
                notified.Add(Math.Round(notifiedMs, 0));
                Console.Error.WriteLine($"[{o["name"]}] start {i + 1}: ready {readyMs:0} ms, first notification {notifiedMs:0} ms after process start");
            }
            finally
            {
                await Stop(p); // also when the POST failed: never leave a server behind on the port
            }
        }
        await hook.Stop();
        static double Median(List<double> v) => v.Order().ElementAt((v.Count - 1) / 2);
        var result = new JsonObject
        {
            ["name"] = o["name"],
            ["scenario"] = "startup",
            ["startup"] = new JsonObject
            {
                ["runs"] = runs,
                ["ready_ms"] = new JsonArray(ready.Select(x => (JsonNode)x).ToArray()),
                ["ready_ms_median"] = Median(ready),
                ["first_notification_ms"] = new JsonArray(notified.Select(x => (JsonNode)x).ToArray()),
                ["first_notification_ms_median"] = Median(notified),
                ["server_cpu_ms_to_ready"] = new JsonArray(cpu.Select(x => (JsonNode)x).ToArray()),
                ["server_cpu_ms_to_ready_median"] = Median(cpu),
                ["pg_cpu_ms_to_ready_median"] = Median(pgCpu),
                ["load_average"] = File.ReadAllText("/proc/loadavg").Split(' ')[0],
                ["rest"] = rest,
            },
        };
        File.WriteAllText(o["out"], result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    static async Task<(Process Process, long Started, double ReadyMs)> Start(string exec, string baseUrl, HttpClient http)
    {
        try
        {
            using var before = await http.GetAsync(baseUrl + "/-/ready");
            throw new InvalidOperationException($"something already answers on {baseUrl}");
        }
        catch (HttpRequestException) { }
        catch (TaskCanceledException) { }
        var started = Stopwatch.GetTimestamp();
        var sw = Stopwatch.StartNew();
        var p = Process.Start(new ProcessStartInfo("sh", [exec]) { RedirectStandardOutput = false })!;
        while (sw.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (p.HasExited) throw new InvalidOperationException($"server exited with {p.ExitCode}");
            try
            {
                using var r = await http.GetAsync(baseUrl + "/-/ready");
                // Another server on the port would answer too: the one started here must still be running.
                if (r.IsSuccessStatusCode && !p.HasExited) return (p, started, sw.Elapsed.TotalMilliseconds);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(5);
        }
        throw new TimeoutException("not ready after 2 minutes");
    }

    static async Task Stop(Process p)
    {
        Process.Start("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(entireProcessTree: true); }
    }
}
