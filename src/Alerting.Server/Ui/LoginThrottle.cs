using System.Collections.Concurrent;
using System.Net;

namespace Alerting.Ui;

/// <summary>
/// Slows down guessing at the login form: after <see cref="MaxFailures"/> failed logins from one address within
/// <see cref="Window"/>, that address's logins are refused (429) until the window has passed. Counted per instance,
/// by the TCP peer address (forwarded headers are not trusted).
/// </summary>
internal sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private const int MaxTracked = 100_000;

    private readonly ConcurrentDictionary<IPAddress, (int Failures, DateTimeOffset Since)> _failures = new();

    /// <summary>How long the address must wait, or null when it may try.</summary>
    public TimeSpan? Blocked(IPAddress? address)
    {
        if (address is null || !_failures.TryGetValue(address, out var entry))
        {
            return null;
        }
        var left = entry.Since + Window - time.GetUtcNow();
        return entry.Failures >= MaxFailures && left > TimeSpan.Zero ? left : null;
    }

    public void Failed(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxTracked)
        {
            foreach (var (key, value) in _failures)
            {
                if (value.Since + Window < now)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
        _failures.AddOrUpdate(address, _ => (1, now), (_, e) => e.Since + Window < now ? (1, now) : (e.Failures + 1, e.Since));
    }

    public void Succeeded(IPAddress? address)
    {
        if (address is not null)
        {
            _failures.TryRemove(address, out _);
        }
    }
}
