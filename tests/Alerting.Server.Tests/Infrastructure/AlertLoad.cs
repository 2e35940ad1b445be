using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Alerting.Infrastructure;

/// <summary>One POST of the load: when, to where, the answer (0: no answer), and the alert names it carried.</summary>
public sealed record Post(DateTime SentAt, DateTime AnsweredAt, Uri? Target, int Status, bool RetryAfter, IReadOnlyList<string> Names)
{
    public bool Accepted => Status is >= 200 and < 300;
}

/// <summary>
/// A load generator for fault tests: workers post batches of new alerts (each name unique, so every alert is
/// accounted for) to whichever instance <c>target</c> names, paced, and record every answer.
/// </summary>
public sealed class AlertLoad : IAsyncDisposable
{
    private readonly Func<long, Uri?> _target;
    private readonly Func<long, IReadOnlyList<(string Name, string Group)>> _batch;
    private readonly int _workers;
    private readonly TimeSpan _pace;
    private readonly HttpClient _client;
    private readonly ConcurrentQueue<Post> _posts = new();
    private readonly CancellationTokenSource _stop = new();
    private Task[] _running = [];
    private long _next = -1;
    private int _inFlight;

    /// <param name="target">The instance's base address for request n, or null when none is up (the worker waits).</param>
    /// <param name="batch">The alerts of request n: unique names, and the value of their <c>grp</c> label.</param>
    public AlertLoad(Func<long, Uri?> target, Func<long, IReadOnlyList<(string Name, string Group)>> batch, int workers, TimeSpan pace)
    {
        _target = target;
        _batch = batch;
        _workers = workers;
        _pace = pace;
        _client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2), PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            Timeout = TimeSpan.FromSeconds(15),
        };
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public IReadOnlyList<Post> Posts => [.. _posts];

    public HashSet<string> Accepted => [.. _posts.Where(p => p.Accepted).SelectMany(p => p.Names)];

    public void Start() => _running = [.. Enumerable.Range(0, _workers).Select(_ => Task.Run(WorkAsync))];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
    }

    private async Task WorkAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _next);
            var target = _target(n);
            if (target is null)
            {
                await PauseAsync(TimeSpan.FromMilliseconds(20));
                continue;
            }
            var alerts = _batch(n);
            var json = "[" + string.Join(",", alerts.Select(a => $$$"""{"labels":{"alertname":"{{{a.Name}}}","grp":"{{{a.Group}}}","job":"faults"}}""")) + "]";
            var sent = DateTime.UtcNow;
            Interlocked.Increment(ref _inFlight);
            try
            {
                // Not cancelled by Stop: a request under way gets its answer, so it is accounted for.
                using var response = await _client.PostAsync(new Uri(target, "api/v2/alerts"), new StringContent(json, Encoding.UTF8, "application/json"));
                _posts.Enqueue(new Post(sent, DateTime.UtcNow, target, (int)response.StatusCode,
                    response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null, [.. alerts.Select(a => a.Name)]));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _posts.Enqueue(new Post(sent, DateTime.UtcNow, target, 0, false, [.. alerts.Select(a => a.Name)]));
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
            await PauseAsync(_pace);
        }
    }

    private async Task PauseAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        _client.Dispose();
        _stop.Dispose();
    }
}
