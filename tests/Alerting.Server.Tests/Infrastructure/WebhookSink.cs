using System.Text.Json.Nodes;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Infrastructure;

/// <summary>A webhook receiver (WireMock.Net on 127.0.0.1) that records Alertmanager-style notifications.</summary>
public sealed class WebhookSink : IDisposable
{
    // Loopback only: a test receiver has no business on other interfaces.
    private readonly WireMockServer _server = WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public WebhookSink(int status = 200) => RespondWith(status);

    public string Url(string path = "/hook") => _server.Url + path;

    public void RespondWith(int status, TimeSpan? delay = null)
    {
        _server.Reset();
        var response = Response.Create().WithStatusCode(status);
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }
        _server.Given(Request.Create().UsingAnyMethod()).RespondWith(response);
    }

    public IReadOnlyList<ILogEntry> Requests => [.. _server.LogEntries];

    /// <summary>
    /// Bodies of the requests answered with 2xx, parsed, in arrival order. A request without a body is no notification
    /// (once seen in a parallel run: a stray request to a reused port); it is not counted.
    /// </summary>
    public List<JsonObject> Delivered(string? path = null) =>
        [.. _server.LogEntries
            .Where(e => e.ResponseMessage.StatusCode is int s && s is >= 200 and < 300)
            .Where(e => !string.IsNullOrEmpty(e.RequestMessage.Body))
            .Where(e => path is null || e.RequestMessage.Path == path)
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!.AsObject())];

    /// <summary>
    /// Waits until at least <paramref name="count"/> notifications arrived, or fails. 60 s by default: a bound that holds
    /// on a loaded machine (the suite's clean-clone runs share two cores with other work, issue 19 item 7); a test that
    /// measures latency states its own bound.
    /// </summary>
    public async Task<List<JsonObject>> WaitForAsync(int count, TimeSpan? timeout = null, string? path = null)
    {
        var deadline = Deadline.In(timeout ?? TimeSpan.FromSeconds(60));
        while (!deadline.Passed)
        {
            var got = Delivered(path);
            if (got.Count >= count)
            {
                return got;
            }
            await Task.Delay(50);
        }
        var have = Delivered(path);
        Assert.Fail($"expected {count} notifications, got {have.Count}: {string.Join("\n", have.Select(h => h.ToJsonString()))}");
        return have;
    }

    public void Dispose() => _server.Stop();
}
