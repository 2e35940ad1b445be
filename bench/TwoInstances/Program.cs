// Load for bench/two-instances.sh: the same work against one Alerting instance or two sharing PostgreSQL and
// RabbitMQ, with requests split between the instances. Two phases:
//   ingest: only-new alerts, 100 a request, for --duration seconds: alerts/s accepted (durably);
//   notify: --notify alerts, each its own group with group_wait 0: time until the webhook has them all
//           (flush, bus, send), notifications/s, and post-to-webhook latency.
//
//   TwoInstances --urls http://127.0.0.1:19093[,http://127.0.0.1:19095] --hook-port 19102 --duration 15
//                --connections 16 --notify 2000 --out result.json
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

var o = new Dictionary<string, string>();
for (var i = 0; i + 1 < args.Length; i += 2)
{
    o[args[i].TrimStart('-')] = args[i + 1];
}
var urls = o["urls"].Split(',').Select(u => u.TrimEnd('/') + "/api/v2/alerts").ToArray();
var duration = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("duration", "15")));
var conns = int.Parse(o.GetValueOrDefault("connections", "16"));
var notify = int.Parse(o.GetValueOrDefault("notify", "2000"));
var run = Guid.NewGuid().ToString("N")[..8];
var startsAt = DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = conns }) { Timeout = TimeSpan.FromSeconds(60) };

// The webhook: stamps the first arrival of each alert id.
var arrivals = new ConcurrentDictionary<string, long>();
long hookRequests = 0;
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{o["hook-port"]}");
var hook = builder.Build();
hook.MapPost("/{**path}", async (HttpContext ctx) =>
{
    var now = Stopwatch.GetTimestamp();
    using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
    Interlocked.Increment(ref hookRequests);
    foreach (var a in doc.RootElement.GetProperty("alerts").EnumerateArray())
    {
        if (a.GetProperty("labels").TryGetProperty("id", out var id))
        {
            arrivals.TryAdd(id.GetString()!, now);
        }
    }
    return Results.Ok();
});
await hook.StartAsync();

string Alert(string bench, string id) =>
    "{\"labels\":{\"alertname\":\"TwoInstances\",\"bench\":\"" + bench + "\",\"id\":\"" + id + "\"},\"startsAt\":\"" + startsAt + "\"}";

async Task<bool> PostAsync(long n, IEnumerable<string> alerts)
{
    using var content = new StringContent("[" + string.Join(",", alerts) + "]", Encoding.UTF8, "application/json");
    try
    {
        using var response = await client.PostAsync(urls[n % urls.Length], content);
        return response.IsSuccessStatusCode;
    }
    catch (HttpRequestException)
    {
        return false;
    }
}

// Phase 1: ingestion of only-new alerts.
long next = -1, accepted = 0, failed = 0;
var sw = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, conns).Select(_ => Task.Run(async () =>
{
    while (sw.Elapsed < duration)
    {
        var n = Interlocked.Increment(ref next);
        if (await PostAsync(n, Enumerable.Range(0, 100).Select(k => Alert("ingest", $"i-{run}-{n * 100 + k}"))))
        {
            Interlocked.Add(ref accepted, 100);
        }
        else
        {
            Interlocked.Increment(ref failed);
        }
    }
})));
var ingestSeconds = sw.Elapsed.TotalSeconds;

// Phase 2: notifications, each alert its own group, 20 a request.
var sent = new ConcurrentDictionary<string, long>();
var requests = (notify + 19) / 20;
next = -1;
var notifyFailed = 0L;
sw.Restart();
await Task.WhenAll(Enumerable.Range(0, conns).Select(_ => Task.Run(async () =>
{
    long n;
    while ((n = Interlocked.Increment(ref next)) < requests)
    {
        var ids = Enumerable.Range(0, 20).Select(k => $"n-{run}-{n * 20 + k}").Where((_, k) => n * 20 + k < notify).ToList();
        var at = Stopwatch.GetTimestamp();
        foreach (var id in ids)
        {
            sent[id] = at;
        }
        if (!await PostAsync(n, ids.Select(id => Alert("notify", id))))
        {
            Interlocked.Increment(ref notifyFailed);
        }
    }
})));
var postedIn = sw.Elapsed.TotalSeconds;
while (sw.Elapsed < TimeSpan.FromSeconds(120) && sent.Keys.Any(k => !arrivals.ContainsKey(k)))
{
    await Task.Delay(50);
}
var notifySeconds = sw.Elapsed.TotalSeconds;
var latencies = sent.Where(s => arrivals.ContainsKey(s.Key)).Select(s => Stopwatch.GetElapsedTime(s.Value, arrivals[s.Key]).TotalMilliseconds).Order().ToArray();
double Pct(double p) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
await hook.StopAsync();

var result = new JsonObject
{
    ["instances"] = urls.Length,
    ["connections"] = conns,
    ["ingest_alerts_accepted"] = accepted,
    ["ingest_requests_failed"] = failed,
    ["ingest_seconds"] = Math.Round(ingestSeconds, 2),
    ["ingest_alerts_per_s"] = Math.Round(accepted / ingestSeconds, 1),
    ["notify_sent"] = notify,
    ["notify_post_failed"] = notifyFailed,
    ["notify_posted_in_s"] = Math.Round(postedIn, 2),
    ["notify_delivered"] = latencies.Length,
    ["notify_webhook_requests"] = hookRequests,
    ["notify_seconds"] = Math.Round(notifySeconds, 2),
    ["notify_per_s"] = Math.Round(latencies.Length / notifySeconds, 1),
    ["notify_p50_ms"] = Math.Round(Pct(0.5), 1),
    ["notify_p99_ms"] = Math.Round(Pct(0.99), 1),
};
var json = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
if (o.TryGetValue("out", out var path))
{
    File.WriteAllText(path, json);
}
Console.WriteLine(json);
return latencies.Length == notify && hookRequests == notify ? 0 : 1;
