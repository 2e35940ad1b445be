using System.Diagnostics;
using System.Globalization;
using System.Text;

/// <summary>Every 10 s one CSV row: memory and threads of the service and PostgreSQL, the database, the load's latencies.</summary>
sealed class SoakSampler(Procs proc, string? psqlArgs, string metricsUrl, string csv, SoakHook hook, long t0)
{
    public static readonly string[] Columns =
    [
        "t_s", "load1", "svc_rss_mb", "svc_anon_mb", "svc_file_mb", "svc_shmem_mb", "svc_threads", "svc_cpu_s", "pg_cpu_s", "gc_heap_mb", "gc_committed_mb", "pg_rss_mb", "pg_pss_mb", "pg_private_mb", "pg_shared_mb", "pg_file_mb", "pg_procs",
        "db_mb", "tables_mb", "indexes_mb", "dead_tup", "live_tup", "dead_pct", "connections",
        "posts", "ingest_p50_ms", "ingest_p99_ms", "notified_ok", "notified_500", "lag_p50_s", "lag_max_s",
    ];

    public readonly List<Dictionary<string, double>> Rows = [];
    readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(9) };

    const string DbQuery = """
        SELECT pg_database_size(current_database()),
               (SELECT coalesce(sum(pg_table_size(relid)), 0) FROM pg_stat_user_tables),
               (SELECT coalesce(sum(pg_indexes_size(relid)), 0) FROM pg_stat_user_tables),
               (SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables),
               (SELECT coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables),
               (SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = current_database())
        """;

    public async Task Run(Func<double[]> takePosts, CancellationToken ct)
    {
        await using var file = new StreamWriter(csv, append: false) { AutoFlush = true };
        await file.WriteLineAsync(string.Join(",", Columns));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        while (true)
        {
            try { if (!await timer.WaitForNextTickAsync(ct)) break; }
            catch (OperationCanceledException) { break; }
            var row = await Sample(takePosts());
            Rows.Add(row);
            await file.WriteLineAsync(string.Join(",", Columns.Select(c => row.TryGetValue(c, out var v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "")));
        }
    }

    async Task<Dictionary<string, double>> Sample(double[] posts)
    {
        var r = new Dictionary<string, double> { ["t_s"] = Math.Round(Stopwatch.GetElapsedTime(t0).TotalSeconds) };
        r["load1"] = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        var mem = proc.Memory();
        r["svc_rss_mb"] = mem["server_rss_mb"]!.GetValue<double>();
        r["svc_anon_mb"] = mem["server_anon_mb"]!.GetValue<double>();
        r["svc_file_mb"] = mem["server_file_mb"]!.GetValue<double>();
        r["svc_shmem_mb"] = mem["server_shmem_mb"]!.GetValue<double>();
        r["svc_threads"] = proc.Threads();
        // CPU used so far (user + system), to weigh a setting that trades memory for collections.
        var (svcCpuMs, pgCpuMs) = proc.Cpu();
        r["svc_cpu_s"] = Math.Round(svcCpuMs / 1000, 2);
        r["pg_cpu_s"] = Math.Round(pgCpuMs / 1000, 2);
        r["pg_rss_mb"] = mem["pg_rss_sum_mb"]?.GetValue<double>() ?? 0;
        r["pg_pss_mb"] = mem["pg_pss_sum_mb"]?.GetValue<double>() ?? 0;
        r["pg_private_mb"] = mem["pg_pss_anon_sum_mb"]?.GetValue<double>() ?? 0;
        r["pg_shared_mb"] = Math.Round(r["pg_pss_mb"] - r["pg_private_mb"], 1);
        r["pg_file_mb"] = mem["pg_pss_file_sum_mb"]?.GetValue<double>() ?? 0;
        r["pg_procs"] = mem["pg_processes"]!.GetValue<int>();
        try
        {
            foreach (var line in (await http.GetStringAsync(metricsUrl)).Split('\n'))
                if (line.StartsWith("dotnet_total_memory_bytes ", StringComparison.Ordinal))
                    r["gc_heap_mb"] = Math.Round(double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture) / 1048576, 1);
                // What the GC kept committed at its last collection (the System.Runtime meter): the heap's part of the anonymous memory.
                else if (line.Contains("gc_last_collection_memory_committed_size", StringComparison.Ordinal) && !line.StartsWith('#'))
                    r["gc_committed_mb"] = Math.Round(double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture) / 1048576, 1);
        }
        catch (Exception e) { Console.Error.WriteLine($"[soak] metrics: {e.Message}"); }
        if (psqlArgs is { Length: > 0 } && Psql(psqlArgs, DbQuery) is { Length: 6 } db)
        {
            r["db_mb"] = Math.Round(db[0] / 1048576, 1);
            r["tables_mb"] = Math.Round(db[1] / 1048576, 1);
            r["indexes_mb"] = Math.Round(db[2] / 1048576, 1);
            r["dead_tup"] = db[3];
            r["live_tup"] = db[4];
            r["dead_pct"] = db[3] + db[4] == 0 ? 0 : Math.Round(100 * db[3] / (db[3] + db[4]), 1);
            r["connections"] = db[5];
        }
        Array.Sort(posts);
        r["posts"] = posts.Length;
        if (posts.Length > 0)
        {
            r["ingest_p50_ms"] = Math.Round(posts[(int)Math.Ceiling(0.50 * posts.Length) - 1], 2);
            r["ingest_p99_ms"] = Math.Round(posts[(int)Math.Ceiling(0.99 * posts.Length) - 1], 2);
        }
        r["notified_ok"] = Interlocked.Read(ref hook.Accepted);
        r["notified_500"] = Interlocked.Read(ref hook.Refused);
        var lags = hook.TakeLags();
        Array.Sort(lags);
        if (lags.Length > 0)
        {
            r["lag_p50_s"] = Math.Round(lags[(lags.Length - 1) / 2], 2);
            r["lag_max_s"] = Math.Round(lags[^1], 2);
        }
        return r;
    }

    static double[]? Psql(string args, string query)
    {
        try
        {
            var psi = new ProcessStartInfo("psql") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args.Split(' ', StringSplitOptions.RemoveEmptyEntries)) psi.ArgumentList.Add(a);
            foreach (var a in new[] { "-At", "-F", ",", "-c", query }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return output.Trim().Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"[soak] psql: {e.Message}");
            return null;
        }
    }
}
