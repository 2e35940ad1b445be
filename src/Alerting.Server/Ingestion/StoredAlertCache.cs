using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using Alerting.Persistence;

namespace Alerting.Ingestion;

/// <summary>
/// What this instance knows is stored for each alert it wrote or checked: a hash of the content and the
/// stored start and end. A re-send that the stored row already covers (<see cref="EndsAtLag"/>) is answered
/// without touching the database: there is nothing new to make durable.
/// Another instance's write clears the whole view (<see cref="StoredAlertListener"/>); while that channel is
/// down the view is off, so a stale entry never decides anything for longer than a notification takes.
/// </summary>
internal sealed class StoredAlertCache
{
    /// <summary>Above this the view is dropped and built again from the next writes; it bounds memory.</summary>
    internal const int MaxEntries = 1_000_000;

    private readonly ConcurrentDictionary<ulong, Entry> _entries = new();
    private long _generation;
    private volatile bool _enabled;

    /// <summary>Changes whenever the view is cleared; a writer remembers only what it read in the same generation.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool Enabled => _enabled;

    public int Count => _entries.Count;

    /// <summary>True when the stored row already says everything this alert says, within the end-time lag.</summary>
    public bool Covers(StoredAlert incoming, DateTimeOffset now)
    {
        if (!_enabled || !_entries.TryGetValue(incoming.Alert.Fingerprint, out var stored))
        {
            return false;
        }
        var a = incoming.Alert;
        if (a.Timeout != stored.Timeout || !EndsAtLag.Covers(stored.StartsAt, stored.EndsAt, a.StartsAt, a.EndsAt, now))
        {
            return false;
        }
        return ContentHash(incoming) == stored.Content;
    }

    /// <summary>
    /// True when the alert is known stored and firing: writing it again cannot make it new or firing again, so it joins
    /// no group. False when unknown (or the view is off).
    /// </summary>
    public bool KnownFiring(ulong fingerprint, DateTimeOffset now) =>
        _enabled && _entries.TryGetValue(fingerprint, out var stored) && stored.EndsAt > now;

    /// <summary>Records what is stored now, unless the view was cleared since <paramref name="generation"/> was read.</summary>
    public void Remember(long generation, IEnumerable<(StoredAlert Alert, DateTimeOffset StartsAt, DateTimeOffset EndsAt)> stored)
    {
        if (!_enabled || Generation != generation)
        {
            return;
        }
        if (_entries.Count > MaxEntries)
        {
            Clear();
            return;
        }
        foreach (var (alert, starts, ends) in stored)
        {
            _entries[alert.Alert.Fingerprint] = new Entry(ContentHash(alert), starts, ends, alert.Alert.Timeout);
        }
        // A clear that raced with the loop above may have been undone by it: clear again.
        if (Generation != generation)
        {
            _entries.Clear();
        }
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>Turns the view on (cleared, since writes may have been missed) or off.</summary>
    public void SetEnabled(bool enabled)
    {
        _enabled = enabled;
        Clear();
    }

    /// <summary>Everything an upsert would write besides the labels (the key) and the times.</summary>
    internal static UInt128 ContentHash(StoredAlert s)
    {
        // One hasher per thread and text encoded on the stack: this runs for every alert of every POST.
        var h = t_hash ??= new XxHash128();
        h.Reset();
        foreach (var (name, value) in s.Alert.Annotations)
        {
            Add(h, name);
            Add(h, value);
        }
        h.Append(NullMark);
        Add(h, s.Alert.GeneratorUrl);
        Add(h, s.Source);
        Add(h, s.Extra);
        return h.GetCurrentHashAsUInt128();
    }

    private static void Add(XxHash128 h, string? text)
    {
        if (text is null)
        {
            h.Append(NullMark);
            return;
        }
        if (text.Length <= 256)
        {
            Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
            h.Append(utf8[..Encoding.UTF8.GetBytes(text, utf8)]);
        }
        else
        {
            h.Append(Encoding.UTF8.GetBytes(text));
        }
        h.Append(Separator);
    }

    [ThreadStatic]
    private static XxHash128? t_hash;

    private static readonly byte[] Separator = [0xFF];
    private static readonly byte[] NullMark = [0xFE];

    private readonly record struct Entry(UInt128 Content, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Timeout);
}

/// <summary>
/// How far a stored <c>ends_at</c> may lag the latest accepted re-send. An unchanged re-send only moves the
/// end forward; writing that every time rewrote every row on every re-send. The extension is written once it
/// exceeds <see cref="MaxLag"/> or a quarter of the alert's remaining time, so the stored end is always in the
/// future, at least three quarters of the way to the end asked for, and at most a minute short of it.
/// </summary>
internal static class EndsAtLag
{
    public static readonly TimeSpan MaxLag = TimeSpan.FromMinutes(1);

    /// <summary>True when storing (starts, ends) again over the stored (storedStarts, storedEnds) may be skipped.</summary>
    public static bool Covers(DateTimeOffset storedStarts, DateTimeOffset storedEnds, DateTimeOffset starts, DateTimeOffset ends, DateTimeOffset now)
    {
        // Only a firing stored alert: a resolved one may be deleted by retention, and a re-fire is news.
        if (storedEnds <= now || ends < storedEnds)
        {
            return false;
        }
        // PostgreSQL keeps microseconds; senders may give more digits.
        starts = starts.AddTicks(-(starts.Ticks % 10));
        // A later start inside the stored range merges into the stored start (Alertmanager's overlap rule).
        var mergedStarts = starts > storedStarts && starts < storedEnds ? storedStarts : starts;
        if (mergedStarts != storedStarts)
        {
            return false;
        }
        var lag = ends - storedEnds;
        var quarter = (ends - now) / 4;
        return lag <= MaxLag && lag <= quarter;
    }
}
