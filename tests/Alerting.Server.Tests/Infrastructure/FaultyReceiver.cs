using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerting.Infrastructure;

/// <summary>How a receiver answers one request: a status after a delay, or no answer until the sender gives up.</summary>
public sealed record Answer(int Status = 200, TimeSpan Delay = default, bool Hang = false)
{
    public static readonly Answer Ok = new();
}

/// <summary>One webhook request as the receiver saw it. <see cref="Status"/> is 0 when it never answered.</summary>
public sealed record Arrival(string Path, string GroupKey, string NotificationStatus, IReadOnlyList<string> Alerts, DateTime ArrivedAt, DateTime AnsweredAt, int Status)
{
    /// <summary>The request's <c>Idempotency-Key</c> header, empty when it had none.</summary>
    public string IdempotencyKey { get; init; } = "";

    public bool Delivered => Status is >= 200 and < 300;

    /// <summary>What makes two notifications the same: receiver, group, firing or resolved, and the alert set.</summary>
    public string Identity => $"{Path} {GroupKey} {NotificationStatus} [{string.Join(",", Alerts)}]";
}

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel) whose answers a test scripts per request: a status, a delay, or
/// a hang. It records every request with its arrival time, so a test can tell which sends reached it before a kill.
/// A delayed 2xx is recorded even if the sender went away meanwhile: the receiver has acted on it.
/// </summary>
public sealed class FaultyReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private readonly ConcurrentDictionary<string, Answer> _answers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _inProgress;
    private int _peak;

    private FaultyReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Decides the answer per request; null falls back to the per-path answer, then 200.</summary>
    public Func<string, JsonObject, Answer?>? Decide { get; set; }

    public static async Task<FaultyReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var receiver = new FaultyReceiver(app);
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    public string Url(string path) => BaseUrl + path;

    /// <summary>Sets how requests to <paramref name="path"/> are answered from now on.</summary>
    public void Set(string path, Answer answer) => _answers[path] = answer;

    /// <summary>Requests that arrived and are not answered yet.</summary>
    public int InProgress => Volatile.Read(ref _inProgress);

    /// <summary>The most requests it held at once.</summary>
    public int Peak => Volatile.Read(ref _peak);

    public IReadOnlyList<Arrival> Arrivals => [.. _arrivals.OrderBy(a => a.ArrivedAt)];

    public List<Arrival> Delivered(string? path = null) => [.. Arrivals.Where(a => a.Delivered && (path is null || a.Path == path))];

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = DateTime.UtcNow;
        var now = Interlocked.Increment(ref _inProgress);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
            // Someone else raised it meanwhile: look again.
        }
        try
        {
            await AnswerAsync(context, arrived);
        }
        finally
        {
            Interlocked.Decrement(ref _inProgress);
        }
    }

    private async Task AnswerAsync(HttpContext context, DateTime arrived)
    {
        var path = context.Request.Path.Value ?? "/";
        var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!.AsObject();
        var answer = Decide?.Invoke(path, body) ?? _answers.GetValueOrDefault(path) ?? Answer.Ok;
        var status = answer.Status;
        if (answer.Hang)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, either.Token);
            }
            catch (OperationCanceledException)
            {
                // The sender gave up (its timeout), or the test is over.
            }
            status = 0;
        }
        else if (answer.Delay > TimeSpan.Zero)
        {
            await Task.Delay(answer.Delay, CancellationToken.None);
        }
        var alerts = body["alerts"]!.AsArray().Select(a => (string)a!["labels"]!["alertname"]!).Order(StringComparer.Ordinal).ToList();
        _arrivals.Enqueue(new Arrival(path, (string)body["groupKey"]!, (string)body["status"]!, alerts, arrived, DateTime.UtcNow, status)
        {
            IdempotencyKey = context.Request.Headers["Idempotency-Key"].ToString(),
        });
        if (status == 0)
        {
            context.Abort();
            return;
        }
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
