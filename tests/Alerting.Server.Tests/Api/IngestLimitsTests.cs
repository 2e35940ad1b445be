using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Alerting.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.Api;

/// <summary>
/// Floods: per-source rate and concurrency limits on the alert endpoints, the body limit and the alerts-per-request
/// limit. Senders are told apart by address, so the second sender connects from 127.0.0.2 (loopback too on Linux).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class IngestLimitsTests(ITestOutputHelper output)
{
    private const string Alert = """[{"labels":{"alertname":"Flood"}}]""";

    [Fact]
    public async Task A_flooding_sender_gets_429_while_another_sender_and_readers_are_served()
    {
        await using var host = await AlertingTestHost.StartAsync(AlertingTestHost.DefaultConfig + """

            server:
              limits:
                ingest_requests_per_second: 20
                ingest_burst: 20
                ingest_concurrency_per_source: 4
                ingest_concurrency: 8
            """);
        using var flooder = ClientFrom("127.0.0.1", host.BaseAddress);
        using var other = ClientFrom("127.0.0.2", host.BaseAddress);
        var duration = TimeSpan.FromSeconds(3);
        var clock = Stopwatch.StartNew();

        int accepted = 0, limited = 0, unexpected = 0, missingRetryAfter = 0;
        var flood = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                using var response = await Post(flooder, "api/v2/alerts", Alert);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        Interlocked.Increment(ref accepted);
                        break;
                    case HttpStatusCode.TooManyRequests:
                        Interlocked.Increment(ref limited);
                        if (response.Headers.RetryAfter?.Delta is not { TotalSeconds: >= 1 })
                        {
                            Interlocked.Increment(ref missingRetryAfter);
                        }
                        break;
                    default:
                        Interlocked.Increment(ref unexpected);
                        break;
                }
            }
        })).ToList();

        // Meanwhile: a second sender well under its own rate, and reads from the flooding address itself.
        var otherStatuses = new List<HttpStatusCode>();
        var readStatuses = new List<HttpStatusCode>();
        var slowest = TimeSpan.Zero;
        while (clock.Elapsed < duration)
        {
            var started = Stopwatch.StartNew();
            using (var sent = await Post(other, "api/grafana/alerts", """{"alerts":[{"status":"firing","labels":{"alertname":"Other"}}]}"""))
            {
                otherStatuses.Add(sent.StatusCode);
            }
            using (var sent = await Post(other, "api/v2/alerts", """[{"labels":{"alertname":"Other"}}]"""))
            {
                otherStatuses.Add(sent.StatusCode);
            }
            using (var healthy = await flooder.GetAsync("-/healthy"))
            {
                readStatuses.Add(healthy.StatusCode);
            }
            using (var alerts = await flooder.GetAsync("api/v2/alerts"))
            {
                readStatuses.Add(alerts.StatusCode);
            }
            slowest = started.Elapsed > slowest ? started.Elapsed : slowest;
            await Task.Delay(150);
        }
        await Task.WhenAll(flood);
        var elapsed = clock.Elapsed.TotalSeconds;

        output.WriteLine($"flood: 8 workers from 127.0.0.1 for {elapsed:0.0} s: {accepted + limited + unexpected} requests, {accepted} accepted, {limited} refused 429, {unexpected} other");
        output.WriteLine($"other sender (127.0.0.2): {otherStatuses.Count(s => s == HttpStatusCode.OK)} of {otherStatuses.Count} accepted; "
            + $"reads from the flooding address: {readStatuses.Count(s => s == HttpStatusCode.OK)} of {readStatuses.Count} OK; slowest round {slowest.TotalMilliseconds:0} ms");

        Assert.Equal(0, unexpected);
        Assert.True(limited > 0, "the flood was never limited");
        Assert.Equal(0, missingRetryAfter);
        // The bucket holds 20 and refills 20 a second: anything above that got through a limit that does not hold.
        Assert.True(accepted <= 20 + (20 * elapsed) + 5, $"{accepted} accepted in {elapsed:0.0} s");
        Assert.NotEmpty(otherStatuses);
        Assert.All(otherStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.All(readStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(await TestEnvironment.MetricAsync(host.Client, "alerting_ingest_limited_total") >= limited);
    }

    [Fact]
    public async Task Concurrency_is_limited_per_source_and_for_the_instance()
    {
        await using var host = await AlertingTestHost.StartAsync(AlertingTestHost.DefaultConfig + """

            server:
              limits:
                ingest_requests_per_second: 0
                ingest_concurrency_per_source: 2
                ingest_concurrency: 3
            """);
        using var first = ClientFrom("127.0.0.1", host.BaseAddress);
        using var second = ClientFrom("127.0.0.2", host.BaseAddress);
        using var third = ClientFrom("127.0.0.3", host.BaseAddress);

        // Two posts from the first address whose bodies trickle in hold both of its slots. Nothing else is
        // sent until the service holds them both: a probe in between could take a slot from one of them.
        var slowBodies = new[] { new SlowContent(Alert), new SlowContent(Alert) };
        var slow = slowBodies.Select(body => first.PostAsync("api/v2/alerts", body)).ToList();
        await Eventually.EqualAsync(2, () => InProgressAsync(host));
        var refused = await Post(first, "api/v2/alerts", Alert);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta?.TotalSeconds >= 1);

        // Another address still has the instance's third slot.
        var secondBody = new SlowContent(Alert);
        var held = second.PostAsync("api/v2/alerts", secondBody);
        await Eventually.EqualAsync(3, () => InProgressAsync(host));
        // Now all three of the instance's slots are taken: a fourth address is refused too, reads are not.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Post(third, "api/v2/alerts", Alert)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await third.GetAsync("api/v2/alerts")).StatusCode);

        foreach (var body in slowBodies.Append(secondBody))
        {
            body.Finish();
        }
        Assert.All(await Task.WhenAll(slow.Append(held)), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await Post(third, "api/v2/alerts", Alert)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(first, "api/v2/alerts", Alert)).StatusCode);
    }

    [Fact]
    public async Task A_reload_applies_new_limits()
    {
        // Under a route prefix, so the limits are shown to find their endpoints behind the path base too.
        await using var host = await AlertingTestHost.StartAsync(routePrefix: "/am");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", Alert)).StatusCode);
        }
        await File.WriteAllTextAsync(host.ConfigPath, AlertingTestHost.DefaultConfig + """

            server:
              limits:
                ingest_requests_per_second: 1
                ingest_burst: 2
            """);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("-/reload", null)).StatusCode);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await host.PostJsonAsync("api/v1/alerts", Alert)).StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("api/v2/alerts")).StatusCode);
    }

    [Theory]
    [InlineData("api/v2/alerts")]
    [InlineData("api/v1/alerts")]
    [InlineData("api/grafana/alerts")]
    public async Task Bodies_and_batches_over_the_limits_get_413_and_store_nothing(string path)
    {
        await using var host = await AlertingTestHost.StartAsync(AlertingTestHost.DefaultConfig + """

            server:
              limits:
                max_body_bytes: 4096
                max_alerts_per_request: 5
            """);
        string Body(int alerts, int padding = 0)
        {
            var list = string.Join(",", Enumerable.Range(0, alerts).Select(i =>
                $$$"""{"status":"firing","labels":{"alertname":"Big{{{i}}}"},"annotations":{"pad":"{{{new string('x', padding)}}}"}}"""));
            return path.Contains("grafana", StringComparison.Ordinal) ? $$"""{"alerts":[{{list}}]}""" : $"[{list}]";
        }

        var tooBig = Body(1, padding: 5000);
        var withLength = await host.Client.PostAsync(path, new StringContent(tooBig, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.StatusCode);
        // Without Content-Length the limit is enforced while reading.
        var chunked = await host.Client.PostAsync(path, new SlowContent(tooBig, started: true));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        var tooMany = await host.PostJsonAsync(path, Body(6));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Contains("too many alerts", await tooMany.Content.ReadAsStringAsync());
        Assert.Equal(0, await host.CountAsync("alerts"));

        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync(path, Body(5, padding: 100))).StatusCode);
        Assert.Equal(5, await host.CountAsync("alerts"));
    }

    /// <summary>A client whose connections come from <paramref name="localAddress"/>, so the service sees another sender.</summary>
    private static HttpClient ClientFrom(string localAddress, Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (ctx, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(ctx.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static Task<HttpResponseMessage> Post(HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Alert posts the service is handling now (prometheus-net's in-progress gauge).</summary>
    private static async Task<int> InProgressAsync(AlertingTestHost host)
    {
        var text = await host.Client.GetStringAsync("metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("http_requests_in_progress{method=\"POST\"", StringComparison.Ordinal)
            && l.Contains("endpoint=\"/api/v2/alerts/\"", StringComparison.Ordinal));
        return line is null ? 0 : int.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A body without Content-Length that sends its first byte, then the rest only when told to.</summary>
    private sealed class SlowContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SlowContent(string body, bool started = false)
        {
            _body = Encoding.UTF8.GetBytes(body);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            if (started)
            {
                _finish.SetResult();
            }
        }

        public void Finish() => _finish.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_body.AsMemory(0, 1));
            await stream.FlushAsync();
            await _finish.Task;
            await stream.WriteAsync(_body.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
