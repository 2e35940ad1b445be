using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>
/// bench/soak.sh's load: 20k firing alerts re-sent every 30 s by four senders (as Prometheus does: every firing alert
/// of the sender's rules in batches of 64, endsAt four intervals ahead, resolved ones re-sent with their endsAt for
/// 15 minutes), 2% resolving and 2% new each minute, 50 groups (label grp) flushing to a webhook that answers 500 one
/// time in twenty, a silence created and the previous one expired every minute, the UI's alerts page and
/// GET /api/v2/alerts polled every 5 s. A sampler writes one CSV row every 10 s; the verdict is printed at the end.
/// </summary>
static class Soak
{
    const int Firing = 20_000, Groups = 50, Senders = 4, Batch = 64, Stable = 20;
    static readonly TimeSpan Resend = TimeSpan.FromSeconds(30), ResolvedResend = TimeSpan.FromMinutes(15);

    sealed class Alert(int id, int grp, DateTime startsAt)
    {
        public readonly int Id = id, Grp = grp;
        public readonly DateTime StartsAt = startsAt;
        public DateTime? EndsAt;          // set when it resolves
        public long FirstPosted;          // Stopwatch timestamp of its first accepted POST (0 before)
        public long ResolvedPosted;       // of the first accepted POST saying it resolved
    }

    static readonly object Gate = new();
    static readonly List<Alert> All = [];
    static readonly Random Rng = new(20);
    static readonly List<double> PostMs = [];           // window, drained by the sampler
    static readonly List<(double At, double Ms)> AllPosts = [];
    static long postsFailed;
    static long t0;

    public static async Task<int> Run(Dictionary<string, string> o)
    {
        var baseUrl = o["url"].TrimEnd('/');
        var duration = TimeSpan.FromSeconds(double.Parse(o["duration"], CultureInfo.InvariantCulture));
        var groupInterval = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("group-interval", "60"), CultureInfo.InvariantCulture));
        var proc = new Procs(int.Parse(o["pid"]), o.GetValueOrDefault("pg-pidfile"));
        var hook = new SoakHook
        {
            PostedAt = id =>
            {
                var n = int.Parse(id.AsSpan(2), CultureInfo.InvariantCulture);
                lock (Gate) return n >= Firing && n < All.Count ? All[n].FirstPosted : 0;
            },
        };
        await hook.Start(int.Parse(o["hook-port"]));
        var clock = Stopwatch.StartNew();
        t0 = Stopwatch.GetTimestamp();
        var now0 = DateTime.UtcNow;
        lock (Gate)
        {
            for (var i = 0; i < Firing; i++)
            {
                All.Add(new Alert(i, i % Groups, now0));
            }
        }

        using var cts = new CancellationTokenSource(duration);
        var tasks = new List<Task>();
        for (var s = 0; s < Senders; s++)
        {
            var shard = s;
            tasks.Add(Sender(baseUrl, shard, TimeSpan.FromSeconds(Resend.TotalSeconds * shard / Senders), cts.Token));
        }
        tasks.Add(Churn(cts.Token));
        tasks.Add(Silences(baseUrl, cts.Token));
        tasks.Add(Poll(baseUrl + "/api/v2/alerts", cts.Token));
        tasks.Add(Poll(baseUrl + "/", cts.Token));
        var sampler = new SoakSampler(proc, o.GetValueOrDefault("psql"), baseUrl + "/metrics", o["csv"], hook, t0);
        tasks.Add(sampler.Run(() => TakeWindow(), cts.Token));
        await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { })));
        Console.Error.WriteLine($"[soak] load stopped after {clock.Elapsed.TotalMinutes:0.0} min; waiting {groupInterval.TotalSeconds * 1.5:0} s for the last flushes");
        await Task.Delay(groupInterval * 1.5);
        var end = Stopwatch.GetTimestamp();
        await hook.Stop();

        var verdict = SoakVerdict.Judge(sampler.Rows, AllPosts, hook, Snapshot(), t0, end, duration, groupInterval,
            TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("retention-s", "300"), CultureInfo.InvariantCulture)), Interlocked.Read(ref postsFailed));
        Console.WriteLine(SoakVerdict.Summary(verdict));
        File.WriteAllText(o["out"], verdict.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return verdict["pass"]!.GetValue<bool>() ? 0 : 1;
    }

    internal sealed record AlertView(int Id, int Grp, bool Stable, long FirstPosted, long ResolvedPosted, bool Resolved);

    static List<AlertView> Snapshot()
    {
        lock (Gate)
        {
            return All.Select(a => new AlertView(a.Id, a.Grp, a.Id < Stable, a.FirstPosted, a.ResolvedPosted, a.EndsAt is not null)).ToList();
        }
    }

    static double[] TakeWindow()
    {
        lock (PostMs)
        {
            var w = PostMs.ToArray();
            PostMs.Clear();
            return w;
        }
    }

    static string Json(Alert a, DateTime now) =>
        "{\"labels\":{\"alertname\":\"Soak\",\"bench\":\"soak\",\"id\":\"a-" + a.Id + "\",\"grp\":\"g" + a.Grp
        + "\",\"severity\":\"warning\"},\"annotations\":{\"summary\":\"soak alert " + a.Id + "\"},\"startsAt\":\""
        + a.StartsAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + "\",\"endsAt\":\""
        + (a.EndsAt ?? now + 4 * Resend).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)
        + "\",\"generatorURL\":\"http://prometheus:9090/graph\"}";

    /// <summary>One Prometheus: every 30 s, all its firing alerts and those resolved in the last 15 min, 64 per POST.</summary>
    static async Task Sender(string baseUrl, int shard, TimeSpan offset, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { Timeout = TimeSpan.FromSeconds(10) };
        var url = baseUrl + "/api/v2/alerts";
        await Task.Delay(offset, ct);
        using var timer = new PeriodicTimer(Resend);
        do
        {
            var now = DateTime.UtcNow;
            List<Alert> mine;
            lock (Gate)
            {
                mine = All.Where(a => a.Id % Senders == shard && (a.EndsAt is null || now - a.EndsAt < ResolvedResend)).ToList();
            }
            foreach (var chunk in mine.Chunk(Batch))
            {
                var body = "[" + string.Join(",", chunk.Select(a => Json(a, now))) + "]";
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new StringContent(body, Encoding.UTF8, "application/json");
                    using var resp = await http.PostAsync(url, content, ct);
                    var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    lock (PostMs)
                    {
                        PostMs.Add(ms);
                        AllPosts.Add((Stopwatch.GetElapsedTime(t0, start).TotalSeconds, ms));
                    }
                    if (!resp.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref postsFailed);
                        continue;
                    }
                    lock (Gate)
                    {
                        foreach (var a in chunk)
                        {
                            if (a.FirstPosted == 0) a.FirstPosted = start;
                            if (a.EndsAt is not null && a.ResolvedPosted == 0) a.ResolvedPosted = start;
                        }
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
                catch (Exception) { Interlocked.Increment(ref postsFailed); }
            }
        }
        while (await Wait(timer, ct));
    }

    static async Task<bool> Wait(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Each minute 2% of the firing alerts resolve (never the silenced "stable" ones) and as many new ones fire.</summary>
    static async Task Churn(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        while (await Wait(timer, ct))
        {
            var now = DateTime.UtcNow;
            lock (Gate)
            {
                var firing = All.Where(a => a.EndsAt is null && a.Id >= Stable && a.FirstPosted != 0
                    && Stopwatch.GetElapsedTime(a.FirstPosted) > TimeSpan.FromSeconds(90)).ToList(); // notified firing first
                foreach (var a in firing.OrderBy(_ => Rng.Next()).Take(Firing / 50))
                {
                    a.EndsAt = now;
                }
                var next = All.Count;
                for (var i = 0; i < Firing / 50; i++)
                {
                    All.Add(new Alert(next + i, Rng.Next(Groups), now));
                }
            }
        }
    }

    /// <summary>Every minute a silence for one of the stable alerts, and the previous one expired.</summary>
    static async Task Silences(string baseUrl, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        string? previous = null;
        var k = 0;
        do
        {
            try
            {
                var now = DateTime.UtcNow;
                var body = "{\"matchers\":[{\"name\":\"id\",\"value\":\"a-" + (k++ % Stable) + "\",\"isRegex\":false,\"isEqual\":true}],\"startsAt\":\""
                    + now.ToString("o", CultureInfo.InvariantCulture) + "\",\"endsAt\":\"" + now.AddHours(1).ToString("o", CultureInfo.InvariantCulture)
                    + "\",\"createdBy\":\"soak\",\"comment\":\"soak test\"}";
                using var resp = await http.PostAsync(baseUrl + "/api/v2/silences", new StringContent(body, Encoding.UTF8, "application/json"), ct);
                var id = JsonNode.Parse(await resp.Content.ReadAsStringAsync(ct))?["silenceID"]?.GetValue<string>();
                if (previous is not null)
                {
                    using var del = await http.DeleteAsync(baseUrl + "/api/v2/silence/" + previous, ct);
                }
                previous = id;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { Console.Error.WriteLine($"[soak] silence: {e.Message}"); }
        }
        while (await Wait(timer, ct));
    }

    static async Task Poll(string url, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        do
        {
            try
            {
                using var resp = await http.GetAsync(url, ct);
                await resp.Content.ReadAsByteArrayAsync(ct);
                if (!resp.IsSuccessStatusCode) Console.Error.WriteLine($"[soak] GET {url}: {(int)resp.StatusCode}");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { Console.Error.WriteLine($"[soak] GET {url}: {e.Message}"); }
        }
        while (await Wait(timer, ct));
    }
}

/// <summary>The soak's webhook: every twentieth request answers 500; the others are recorded per group and per alert.</summary>
sealed class SoakHook
{
    WebApplication? app;
    long requests;
    public readonly ConcurrentDictionary<string, ConcurrentBag<long>> Delivered = new(); // grp -> timestamps of accepted deliveries
    public readonly ConcurrentDictionary<string, long> FirstFiring = new();              // alert id -> first accepted firing
    public readonly ConcurrentDictionary<string, long> FirstResolved = new();
    public long Refused;
    public long Accepted;
    readonly List<double> lagWindow = [];

    public double[] TakeLags()
    {
        lock (lagWindow)
        {
            var w = lagWindow.ToArray();
            lagWindow.Clear();
            return w;
        }
    }

    /// <summary>Set by the soak: when each new alert was first posted, to measure the lag to its first notification.</summary>
    public Func<string, long>? PostedAt;

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
            if (Interlocked.Increment(ref requests) % 20 == 0)
            {
                Interlocked.Increment(ref Refused);
                return Results.StatusCode(500);
            }
            Interlocked.Increment(ref Accepted);
            var root = doc.RootElement;
            var grp = root.GetProperty("groupLabels").TryGetProperty("grp", out var g) ? g.GetString()! : "?";
            Delivered.GetOrAdd(grp, _ => []).Add(now);
            foreach (var a in root.GetProperty("alerts").EnumerateArray())
            {
                var id = a.GetProperty("labels").GetProperty("id").GetString()!;
                var resolved = a.GetProperty("status").GetString() == "resolved";
                if ((resolved ? FirstResolved : FirstFiring).TryAdd(id, now) && !resolved && PostedAt?.Invoke(id) is > 0 and var posted)
                {
                    lock (lagWindow) lagWindow.Add(Stopwatch.GetElapsedTime(posted, now).TotalSeconds);
                }
            }
            return Results.Ok();
        });
        await app.StartAsync();
    }

    public async Task Stop() { if (app is not null) await app.StopAsync(); }
}
