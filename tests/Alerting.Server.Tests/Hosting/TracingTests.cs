using System.Diagnostics;
using Alerting.Channels.Http;
using Alerting.Infrastructure;
using OpenTelemetry.Trace;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Alerting.Hosting;

/// <summary>
/// One POST that leads to one send is one connected span tree: the request, storing, grouping, the flush decision and
/// the send with its HTTP request, with the group key, receiver, integration, attempt and outcome on the send. The
/// spans come from the in-memory exporter; the configured OTLP/HTTP exporter gets them too, with its headers.
/// </summary>
public sealed class TracingTests
{
    [Theory]
    [InlineData("0s")] // flushed in the ingestion transaction
    [InlineData("1s")] // flushed by a later dispatcher pass
    public async Task A_post_that_leads_to_a_send_is_one_connected_trace(string groupWait)
    {
        using var hook = LoopbackWireMock.Start();
        hook.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        using var collector = LoopbackWireMock.Start();
        collector.Given(Request.Create().WithPath("/v1/traces").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var spans = new List<Activity>();
        var host = await AlertingTestHost.StartAsync($$"""
            tracing:
              client_type: http
              endpoint: {{new Uri(collector.Url!).Authority}}
              insecure: true
              timeout: 5s
              headers:
                X-Scope-OrgID: {values: [tenant-1]}
                Authorization: {secrets: ['Bearer OTLP-SECRET, with=signs']}
            route:
              receiver: hook
              group_by: [alertname]
              group_wait: {{groupWait}}
            receivers:
              - name: hook
                webhook_configs:
                  - url: {{hook.At("hook")}}
            """, services: s => s.ConfigureOpenTelemetryTracerProvider(b => b.AddInMemoryExporter(spans)));
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = default(ActivitySpanId);
        try
        {
            // The caller's sampled span: sampling_fraction is 0, so only what a caller sampled is recorded, as in Alertmanager.
            // This process's HttpClient makes its client span below it and sends that as the traceparent.
            using (var caller = new Activity("caller").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
            {
                callerSpan = caller.SpanId;
                (await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"DiskFull"}}]""")).EnsureSuccessStatusCode();
            }
            await Eventually.EqualAsync(1, () => Task.FromResult(hook.Requests().Count), TimeSpan.FromSeconds(20));
            var deadline = Deadline.In(TimeSpan.FromSeconds(5));
            while (!Trace(spans, traceId).Any(s => s.OperationName == "notify") && !deadline.Passed)
            {
                await Task.Delay(50);
            }
            Assert.True(Trace(spans, traceId).Any(s => s.OperationName == "notify"),
                "no send span; spans seen: " + string.Join("; ", spans.ToArray().Select(s => $"{s.TraceId}/{s.SpanId}<{s.ParentSpanId} {s.Source.Name} {s.DisplayName}")));
            await Status(host);
        }
        finally
        {
            await host.DisposeAsync();
        }

        var trace = Trace(spans, traceId);
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        var orphans = trace.Where(s => s.ParentSpanId != callerSpan && !ids.Contains(s.ParentSpanId)).ToList();
        Assert.True(orphans.Count == 0, "not connected: " + string.Join(", ", orphans.Select(Describe)) + "; in the trace: " + string.Join(", ", trace.Select(Describe)));
        Assert.Equal(ActivityKind.Client, Assert.Single(trace, s => s.ParentSpanId == callerSpan).Kind);
        Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /api/v2/alerts/");
        foreach (var name in new[] { "alerts.store", "alerts.write_batch", "alerts.group", "flush.decide" })
        {
            Assert.Contains(trace, s => s.OperationName == name);
        }
        var notify = Assert.Single(trace, s => s.OperationName == "notify");
        Assert.Equal("{}:{alertname=\"DiskFull\"}", notify.GetTagItem("alerting.group_key"));
        Assert.Equal("hook", notify.GetTagItem("alerting.receiver"));
        Assert.Equal("webhook[0]", notify.GetTagItem("alerting.integration"));
        Assert.Equal(1, notify.GetTagItem("alerting.attempt"));
        Assert.Equal("success", notify.GetTagItem("alerting.outcome"));
        var flush = Assert.Single(trace, s => s.OperationName == "flush.decide");
        Assert.Equal(flush.SpanId, Ancestors(trace, notify).First(s => s.OperationName == "flush.decide").SpanId);
        // The webhook's own HTTP request, under the send.
        var http = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.ParentSpanId == notify.SpanId && s.Source.Name == "System.Net.Http");
        // Only where it went: a receiver's URL path and query may be its secret.
        Assert.Equal(hook.At("hook").GetLeftPart(UriPartial.Authority) + "/", http.GetTagItem("url.full"));

        // The configured exporter delivered too (on shutdown at the latest), with the configured headers.
        var exports = collector.Requests();
        Assert.NotEmpty(exports);
        Assert.Equal("tenant-1", exports[0].Header("X-Scope-OrgID"));
        Assert.Equal("Bearer OTLP-SECRET, with=signs", exports[0].Header("Authorization"));
        Assert.Equal("application/x-protobuf", exports[0].Header("Content-Type"));
    }

    /// <summary>The status API leaves the tracing section out: its headers hold secrets, and amtool 0.25 has no such field.</summary>
    private static async Task Status(AlertingTestHost host)
    {
        var status = await host.Client.GetStringAsync("api/v2/status");
        Assert.DoesNotContain("OTLP-SECRET", status, StringComparison.Ordinal);
        Assert.DoesNotContain("tracing", status, StringComparison.Ordinal);
    }

    private static string Describe(Activity s) => $"{s.OperationName} {s.DisplayName} {s.SpanId}<{s.ParentSpanId} {s.GetTagItem("url.full")}";

    private static List<Activity> Trace(List<Activity> spans, ActivityTraceId traceId) => [.. spans.ToArray().Where(s => s.TraceId == traceId)];

    private static IEnumerable<Activity> Ancestors(List<Activity> trace, Activity span)
    {
        for (var s = span; trace.FirstOrDefault(p => p.SpanId == s.ParentSpanId) is { } parent; s = parent)
        {
            yield return parent;
        }
    }
}
