using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

/// <summary>The soak's pass criteria, judged from the sampler's rows, every POST's latency and what the webhook got.</summary>
static class SoakVerdict
{
    public static JsonObject Judge(
        List<Dictionary<string, double>> rows, List<(double At, double Ms)> posts, SoakHook hook, List<Soak.AlertView> alerts,
        long t0, long end, TimeSpan duration, TimeSpan groupInterval, TimeSpan retention, long postsFailed)
    {
        var d = duration.TotalSeconds;
        // "The first 5 minutes" (a third of a shorter run), and the length of every window the medians are taken over,
        // as the p99's: PostgreSQL's connections are replaced every 300 s (Npgsql's idle pruning) and its PSS saws with
        // them, so a 2-minute window read a trough or a crest.
        var w = Math.Min(300, d / 3);
        var result = new JsonObject { ["duration_s"] = d, ["window_s"] = w, ["samples"] = rows.Count, ["posts_failed"] = postsFailed };
        var pass = postsFailed == 0;

        double Median(string col, double from, double to)
        {
            var v = rows.Where(r => r["t_s"] >= from && r["t_s"] < to && r.ContainsKey(col)).Select(r => r[col]).Order().ToArray();
            return v.Length == 0 ? double.NaN : v[(v.Length - 1) / 2];
        }

        foreach (var col in new[] { "svc_rss_mb", "pg_pss_mb" })
        {
            var first = Median(col, w, 2 * w);
            var last = Median(col, d - w, d + 1);
            var max = rows.Where(r => r["t_s"] >= w).Select(r => r[col]).DefaultIfEmpty(double.NaN).Max();
            // Beside the criterion: a GC saw-tooth moves two medians apart without a leak; the trend and the troughs do not.
            var trend = Trend(rows.Where(r => r["t_s"] >= w && r.ContainsKey(col)).Select(r => (r["t_s"], r[col])).ToList());
            double Low(double from, double to) => rows.Where(r => r["t_s"] >= from && r["t_s"] < to && r.ContainsKey(col)).Select(r => r[col]).DefaultIfEmpty(double.NaN).Min();
            var ok = last <= first * 1.05;
            pass &= ok;
            result[col] = new JsonObject
            {
                ["median_after_warmup"] = N(first), ["median_at_end"] = N(last), ["max_after_warmup"] = N(max),
                ["growth_pct"] = N((last / first - 1) * 100), ["pass"] = ok,
                ["trend_mb_per_hour"] = N(trend), ["lowest_after_warmup"] = N(Low(w, 2 * w)), ["lowest_at_end"] = N(Low(d - w, d + 1)),
            };
        }
        // Not judged, beside a judged measure: the medians of its parts in the same two windows.
        void Parts(string judged, params string[] cols)
        {
            var target = result[judged]!.AsObject();
            foreach (var col in cols)
            {
                target[col] = new JsonObject { ["median_after_warmup"] = N(Median(col, w, 2 * w)), ["median_at_end"] = N(Median(col, d - w, d + 1)) };
            }
        }
        // Where the service's memory went: the GC, native heaps, binaries or compiled code.
        Parts("svc_rss_mb", "svc_anon_mb", "gc_committed_mb", "svc_file_mb", "svc_shmem_mb", "svc_threads");
        // CPU seconds per minute after the first window, service and PostgreSQL.
        var after = rows.Where(r => r["t_s"] >= w && r.ContainsKey("svc_cpu_s")).ToList();
        if (after.Count > 1 && after[^1]["t_s"] > after[0]["t_s"])
        {
            var minutes = (after[^1]["t_s"] - after[0]["t_s"]) / 60;
            result["cpu_s_per_min_after_warmup"] = new JsonObject
            {
                ["service"] = N((after[^1]["svc_cpu_s"] - after[0]["svc_cpu_s"]) / minutes),
                ["postgresql"] = N((after[^1]["pg_cpu_s"] - after[0]["pg_cpu_s"]) / minutes),
            };
        }
        // To tell a leak from more connections: each backend has its own memory.
        Parts("pg_pss_mb", "pg_private_mb", "pg_shared_mb", "pg_file_mb", "connections");

        // Database size: once the retention has passed (plus a minute for the collector), it must level off.
        var settled = Math.Max(w, retention.TotalSeconds + 60);
        if (settled + w < d - w)
        {
            var first = Median("db_mb", settled, settled + w);
            var last = Median("db_mb", d - w, d + 1);
            var ok = last <= first * 1.10;
            pass &= ok;
            result["db_mb"] = new JsonObject
            {
                ["median_after_retention"] = N(first), ["median_at_end"] = N(last), ["growth_pct"] = N((last / first - 1) * 100),
                ["max"] = N(rows.Select(r => r.GetValueOrDefault("db_mb")).DefaultIfEmpty(double.NaN).Max()), ["pass"] = ok,
            };
        }
        else
        {
            result["db_mb"] = new JsonObject { ["judged"] = false, ["why"] = "run shorter than retention + 1 min + two windows" };
        }

        double P99(double from, double to)
        {
            var v = posts.Where(p => p.At >= from && p.At < to).Select(p => p.Ms).Order().ToArray();
            return v.Length == 0 ? double.NaN : v[(int)Math.Ceiling(0.99 * v.Length) - 1];
        }
        var p99First = P99(0, w);
        var p99Last = P99(d - w, d + 1);
        var p99Ok = p99Last <= 1.2 * p99First;
        pass &= p99Ok;
        result["ingest_p99_ms"] = new JsonObject
        {
            ["first"] = N(p99First), ["last"] = N(p99Last), ["ratio"] = N(p99Last / p99First), ["pass"] = p99Ok,
        };

        result["notifications"] = Notifications(hook, alerts, t0, end, duration, groupInterval, ref pass);
        result["pass"] = pass;
        return result;
    }

    static JsonObject Notifications(SoakHook hook, List<Soak.AlertView> alerts, long t0, long end, TimeSpan duration, TimeSpan gi, ref bool pass)
    {
        double Sec(long ts) => Stopwatch.GetElapsedTime(t0, ts).TotalSeconds;
        var loadEnd = duration.TotalSeconds;
        var lastUseful = loadEnd - 0.5 * gi.TotalSeconds;   // what was posted by then must have been notified by the end
        int doubled = 0, gaps = 0;
        var counts = new List<int>();
        var problems = new JsonArray();
        foreach (var (grp, bag) in hook.Delivered.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var times = bag.Select(Sec).Order().ToArray();
            counts.Add(times.Length);
            for (var i = 1; i < times.Length; i++)
            {
                var gap = times[i] - times[i - 1];
                if (gap < 0.5 * gi.TotalSeconds) { doubled++; problems.Add($"{grp}: {gap:0.0} s between deliveries at {times[i]:0} s"); }
                if (gap > 2 * gi.TotalSeconds) { gaps++; problems.Add($"{grp}: no delivery for {gap:0.0} s before {times[i]:0} s"); }
            }
        }
        var missingGroups = 50 - hook.Delivered.Count;
        var fresh = alerts.Where(a => !a.Stable && a.Id >= 20_000 && a.FirstPosted != 0 && Sec(a.FirstPosted) <= lastUseful).ToList();
        var lostFiring = fresh.Count(a => !hook.FirstFiring.ContainsKey("a-" + a.Id));
        var resolved = alerts.Where(a => a.ResolvedPosted != 0 && Sec(a.ResolvedPosted) <= lastUseful && hook.FirstFiring.ContainsKey("a-" + a.Id)).ToList();
        var lostResolved = resolved.Count(a => !hook.FirstResolved.ContainsKey("a-" + a.Id));
        var lags = fresh.Where(a => hook.FirstFiring.ContainsKey("a-" + a.Id))
            .Select(a => Stopwatch.GetElapsedTime(a.FirstPosted, hook.FirstFiring["a-" + a.Id]).TotalSeconds).Order().ToArray();
        var ok = doubled == 0 && gaps == 0 && missingGroups == 0 && lostFiring == 0 && lostResolved == 0;
        pass &= ok;
        return new JsonObject
        {
            ["accepted"] = hook.Accepted,
            ["answered_500"] = hook.Refused,
            ["groups_delivered"] = hook.Delivered.Count,
            ["per_group_min"] = counts.DefaultIfEmpty().Min(),
            ["per_group_max"] = counts.DefaultIfEmpty().Max(),
            ["expected_per_group_about"] = Math.Round(Sec(end) / gi.TotalSeconds, 1),
            ["doubled"] = doubled,
            ["gaps_over_2_intervals"] = gaps,
            ["new_alerts_checked"] = fresh.Count,
            ["new_alerts_never_notified"] = lostFiring,
            ["resolved_checked"] = resolved.Count,
            ["resolved_never_notified"] = lostResolved,
            ["lag_new_p50_s"] = lags.Length == 0 ? null : Math.Round(lags[(lags.Length - 1) / 2], 1),
            ["lag_new_max_s"] = lags.Length == 0 ? null : Math.Round(lags[^1], 1),
            ["problems"] = new JsonArray(problems.Take(20).Select(p => (JsonNode?)p?.GetValue<string>()).ToArray()),
            ["pass"] = ok,
        };
    }

    /// <summary>Least-squares slope of (seconds, value), per hour.</summary>
    static double Trend(List<(double T, double V)> points)
    {
        if (points.Count < 2) return double.NaN;
        var mt = points.Average(p => p.T);
        var mv = points.Average(p => p.V);
        var den = points.Sum(p => (p.T - mt) * (p.T - mt));
        return den == 0 ? double.NaN : points.Sum(p => (p.T - mt) * (p.V - mv)) / den * 3600;
    }

    /// <summary>A figure for the JSON: rounded, and null when there was nothing to measure (NaN, ∞).</summary>
    static JsonNode? N(double x) => double.IsFinite(x) ? JsonValue.Create(Math.Round(x, 2)) : null;

    public static string Summary(JsonObject v) =>
        string.Create(CultureInfo.InvariantCulture, $"soak {(v["pass"]!.GetValue<bool>() ? "PASSED" : "FAILED")}: {v.ToJsonString()}");
}
