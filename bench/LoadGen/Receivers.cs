using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

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

    public double Threads() => StatusKb(pid, "status", "Threads");

    public JsonObject Memory()
    {
        var pg = PgPids();
        return new JsonObject
        {
            ["server_rss_mb"] = Math.Round(StatusKb(pid, "status", "VmRSS") / 1024.0, 1),
            // Its parts: anonymous (the GC's heap and native heaps), files mapped (binaries), shared memory (the JIT's
            // code, mapped twice for W^X).
            ["server_anon_mb"] = Math.Round(StatusKb(pid, "status", "RssAnon") / 1024.0, 1),
            ["server_file_mb"] = Math.Round(StatusKb(pid, "status", "RssFile") / 1024.0, 1),
            ["server_shmem_mb"] = Math.Round(StatusKb(pid, "status", "RssShmem") / 1024.0, 1),
            ["pg_processes"] = pg.Count,
            ["pg_rss_sum_mb"] = pg.Count == 0 ? null : Math.Round(pg.Sum(p => StatusKb(p, "status", "VmRSS")) / 1024.0, 1),
            ["pg_pss_sum_mb"] = pg.Count == 0 ? null : Math.Round(pg.Sum(p => StatusKb(p, "smaps_rollup", "Pss")) / 1024.0, 1),
            // The backends' private memory; the rest of the PSS is shared (buffers, code), bounded by the configuration.
            ["pg_pss_anon_sum_mb"] = pg.Count == 0 ? null : Math.Round(pg.Sum(p => StatusKb(p, "smaps_rollup", "Pss_Anon")) / 1024.0, 1),
            // Of the rest, what is mapped from files (the binaries, and libLLVM once a backend JIT-compiles).
            ["pg_pss_file_sum_mb"] = pg.Count == 0 ? null : Math.Round(pg.Sum(p => StatusKb(p, "smaps_rollup", "Pss_File")) / 1024.0, 1),
        };
    }
}
