using Alerting.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence;

public sealed class HistoryReaderTests
{
    private const ulong A = 0xa1;
    private const ulong B = 0xb2;

    // Whole seconds (PostgreSQL keeps microseconds), recent enough that retention leaves the rows alone.
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600);

    [Fact]
    public async Task Events_are_filtered_by_alert_group_and_time_ordered_either_way_and_cut_at_the_limit()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var history = host.Server.Services.GetRequiredService<HistoryReader>();
        await using var db = NpgsqlDataSource.Create(host.ConnectionString);
        // Inserted out of time order; "grouped" and "firing" share a time, so the id (insertion order) breaks the tie.
        await EventAsync(db, A, 2, "grouped", "g1");
        await EventAsync(db, A, 2, "firing", "g1");
        await EventAsync(db, A, 0, "received", null);
        await EventAsync(db, B, 1, "received", null);
        await EventAsync(db, B, 3, "grouped", "g1");
        await EventAsync(db, A, 4, "resolved", "g2");

        var ofA = await history.EventsAsync(new HistoryQuery(10, NewestFirst: false, Fingerprint: A), CancellationToken.None);
        Assert.Equal(["received", "grouped", "firing", "resolved"], ofA.Select(e => e.Event));
        Assert.All(ofA, e => Assert.Equal(A, e.Fingerprint));
        Assert.Equal(T0, ofA[0].At);
        Assert.Null(ofA[0].GroupKey);
        Assert.Equal("g2", ofA[3].GroupKey);
        Assert.Equal("detail resolved", ofA[3].Detail);

        var newest = await history.EventsAsync(new HistoryQuery(10, NewestFirst: true, Fingerprint: A), CancellationToken.None);
        Assert.Equal(["resolved", "firing", "grouped", "received"], newest.Select(e => e.Event));

        var group = await history.EventsAsync(new HistoryQuery(10, NewestFirst: false, GroupKey: "g1"), CancellationToken.None);
        Assert.Equal([(A, "grouped"), (A, "firing"), (B, "grouped")], group.Select(e => (e.Fingerprint, e.Event)));

        var both = await history.EventsAsync(new HistoryQuery(10, NewestFirst: false, Fingerprint: B, GroupKey: "g1"), CancellationToken.None);
        Assert.Equal([(B, "grouped")], both.Select(e => (e.Fingerprint, e.Event)));

        var since = await history.EventsAsync(new HistoryQuery(10, NewestFirst: false, Since: T0.AddMinutes(3)), CancellationToken.None);
        Assert.Equal(["grouped", "resolved"], since.Select(e => e.Event)); // the bound is inclusive

        // The limit keeps the first rows in the order asked for: the oldest, or the newest.
        Assert.Equal(["received", "grouped"], (await history.EventsAsync(new HistoryQuery(2, NewestFirst: false, Fingerprint: A), CancellationToken.None)).Select(e => e.Event));
        Assert.Equal(["resolved", "firing"], (await history.EventsAsync(new HistoryQuery(2, NewestFirst: true, Fingerprint: A), CancellationToken.None)).Select(e => e.Event));

        await Assert.ThrowsAsync<ArgumentException>(() => history.EventsAsync(new HistoryQuery(10, NewestFirst: false, Receiver: "hook"), CancellationToken.None));
    }

    [Fact]
    public async Task An_arrival_stored_with_its_first_group_is_listed_as_both_events()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var history = host.Server.Services.GetRequiredService<HistoryReader>();
        await using var db = NpgsqlDataSource.Create(host.ConnectionString);
        // As ingestion writes a new alert that joins two groups: one row for the arrival and the first, one for the second.
        await EventAsync(db, A, 0, "received", "g1");
        await EventAsync(db, A, 0, "grouped", "g2");
        await EventAsync(db, A, 1, "firing", "g1");

        var oldest = await history.EventsAsync(new HistoryQuery(10, NewestFirst: false, Fingerprint: A), CancellationToken.None);
        Assert.Equal([("received", null), ("grouped", "g1"), ("grouped", "g2"), ("firing", "g1")], oldest.Select(e => (e.Event, e.GroupKey)));
        Assert.Null(oldest[1].Detail);
        Assert.Equal("detail received", oldest[0].Detail);
        var newest = await history.EventsAsync(new HistoryQuery(10, NewestFirst: true, Fingerprint: A), CancellationToken.None);
        Assert.Equal([("firing", "g1"), ("grouped", "g2"), ("grouped", "g1"), ("received", null)], newest.Select(e => (e.Event, e.GroupKey)));

        // The arrival belongs to no group; the limit counts events, not rows.
        var ofG1 = await history.EventsAsync(new HistoryQuery(10, NewestFirst: false, GroupKey: "g1"), CancellationToken.None);
        Assert.Equal(["grouped", "firing"], ofG1.Select(e => e.Event));
        var first = await history.EventsAsync(new HistoryQuery(1, NewestFirst: false, Fingerprint: A), CancellationToken.None);
        Assert.Equal(["received"], first.Select(e => e.Event));
        var lastThree = await history.EventsAsync(new HistoryQuery(3, NewestFirst: true, Fingerprint: A), CancellationToken.None);
        Assert.Equal(["firing", "grouped", "grouped"], lastThree.Select(e => e.Event));
    }

    [Fact]
    public async Task Arrivals_kept_on_alert_rows_are_merged_in_time_order_with_the_history_rows()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var history = host.Server.Services.GetRequiredService<HistoryReader>();
        await using var db = NpgsqlDataSource.Create(host.ConnectionString);
        const ulong C = 0xc3;
        // A new alert's arrival is on its row; B's is a history row, as releases before wrote it; C joined no group.
        await ArrivalAsync(db, A, 1, "received", "g1");
        await EventAsync(db, A, 1, "firing", "g1");
        await EventAsync(db, A, 3, "resolved", "g1");
        await EventAsync(db, B, 0, "received", "g1");
        await ArrivalAsync(db, C, 2, "received_resolved", null);

        var ofA = await history.EventsAsync(new HistoryQuery(10, NewestFirst: false, Fingerprint: A), CancellationToken.None);
        Assert.Equal([("received", null), ("grouped", "g1"), ("firing", "g1"), ("resolved", "g1")], ofA.Select(e => (e.Event, e.GroupKey)));
        Assert.Equal(T0.AddMinutes(1), ofA[0].At);
        Assert.Null(ofA[0].Detail);
        var newest = await history.EventsAsync(new HistoryQuery(10, NewestFirst: true, Fingerprint: A), CancellationToken.None);
        Assert.Equal(["resolved", "firing", "grouped", "received"], newest.Select(e => e.Event));

        var ofG1 = await history.EventsAsync(new HistoryQuery(10, NewestFirst: false, GroupKey: "g1"), CancellationToken.None);
        Assert.Equal([(B, "grouped"), (A, "grouped"), (A, "firing"), (A, "resolved")], ofG1.Select(e => (e.Fingerprint, e.Event)));
        var since = await history.EventsAsync(new HistoryQuery(10, NewestFirst: false, Since: T0.AddMinutes(2)), CancellationToken.None);
        Assert.Equal([(C, "received_resolved"), (A, "resolved")], since.Select(e => (e.Fingerprint, e.Event)));
        var lastTwo = await history.EventsAsync(new HistoryQuery(2, NewestFirst: true), CancellationToken.None);
        Assert.Equal([(A, "resolved"), (C, "received_resolved")], lastTwo.Select(e => (e.Fingerprint, e.Event)));
        var all = await history.EventsAsync(new HistoryQuery(10, NewestFirst: false), CancellationToken.None);
        Assert.Equal(["received", "grouped", "received", "grouped", "firing", "received_resolved", "resolved"], all.Select(e => e.Event));
    }

    [Fact]
    public async Task Attempts_are_filtered_by_alert_group_receiver_channel_outcome_and_time()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var history = host.Server.Services.GetRequiredService<HistoryReader>();
        await using var db = NpgsqlDataSource.Create(host.ConnectionString);
        await AttemptAsync(db, 0, "g1", "hook", "webhook[0]", "success", [A]);
        await AttemptAsync(db, 1, "g1", "hook", "webhook[1]", "retry", [A, B]);
        await AttemptAsync(db, 2, "g2", "mail", "email[0]", "failed", [B]);
        await AttemptAsync(db, 3, "g2", "hook", "webhooks[0]", "failed", []);
        await AttemptAsync(db, 3, "g1", "mail", "email[0]", "success", [A]);

        async Task<List<(int Minute, string Integration)>> Read(HistoryQuery query) =>
            [.. (await history.AttemptsAsync(query, CancellationToken.None)).Select(a => ((int)(a.At - T0).TotalMinutes, a.Integration))];

        var all = new HistoryQuery(10, NewestFirst: false);
        Assert.Equal([(0, "webhook[0]"), (1, "webhook[1]"), (2, "email[0]"), (3, "webhooks[0]"), (3, "email[0]")], await Read(all));
        Assert.Equal([(3, "email[0]"), (3, "webhooks[0]"), (2, "email[0]"), (1, "webhook[1]"), (0, "webhook[0]")], await Read(all with { NewestFirst = true }));
        Assert.Equal([(0, "webhook[0]"), (1, "webhook[1]"), (3, "email[0]")], await Read(all with { Fingerprint = A }));
        Assert.Equal([(2, "email[0]"), (3, "webhooks[0]")], await Read(all with { GroupKey = "g2" }));
        Assert.Equal([(2, "email[0]"), (3, "email[0]")], await Read(all with { Receiver = "mail" }));
        // A channel is the integration's kind: "webhook" is not a prefix of "webhooks[0]"'s kind.
        Assert.Equal([(0, "webhook[0]"), (1, "webhook[1]")], await Read(all with { Channel = "webhook" }));
        Assert.Equal([(1, "webhook[1]"), (2, "email[0]"), (3, "webhooks[0]")], await Read(all with { FailuresOnly = true }));
        Assert.Equal([(2, "email[0]"), (3, "webhooks[0]"), (3, "email[0]")], await Read(all with { Since = T0.AddMinutes(2) }));
        Assert.Equal([(3, "webhooks[0]"), (2, "email[0]")], await Read(all with { NewestFirst = true, FailuresOnly = true, Since = T0.AddMinutes(2) }));
        Assert.Equal([(1, "webhook[1]")], await Read(all with { Fingerprint = B, Receiver = "hook" }));
        Assert.Equal([(3, "email[0]"), (3, "webhooks[0]")], await Read(all with { NewestFirst = true, Limit = 2 }));

        var counted = await history.AttemptsAsync(all with { Fingerprint = B }, CancellationToken.None);
        Assert.Equal([2, 1], counted.Select(a => a.AlertCount));
        Assert.All(counted, a => Assert.Null(a.Alerts));
        var listed = await history.AttemptsAsync(all with { Fingerprint = B, WithAlerts = true }, CancellationToken.None);
        Assert.Equal([A, B], listed[0].Alerts!);
        Assert.Equal([B], listed[1].Alerts!);
        Assert.Equal(("hook", "retry", 503, "boom", 12.5, "first notification"), (listed[0].Receiver, listed[0].Outcome, listed[0].StatusCode, listed[0].Error, listed[0].LatencyMs, listed[0].Reason));
        var success = (await history.AttemptsAsync(all with { Limit = 1 }, CancellationToken.None)).Single();
        Assert.Equal(((int?)null, (string?)null, "g1"), (success.StatusCode, success.Error, success.GroupKey));
    }

    private static async Task EventAsync(NpgsqlDataSource db, ulong fingerprint, int minute, string name, string? groupKey)
    {
        await using var cmd = db.CreateCommand("INSERT INTO alert_events (fingerprint, at, event, group_key, detail) VALUES ($1, $2, $3, $4, $5)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)fingerprint) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = T0.AddMinutes(minute).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)groupKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = "detail " + name });
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>An alert row with its arrival on it, as ingestion writes a new alert.</summary>
    private static async Task ArrivalAsync(NpgsqlDataSource db, ulong fingerprint, int minute, string name, string? groupKey)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source,
                                first_seen_at, first_event, first_group_key)
            VALUES ($1, '{}', '{}', $2, $2 + interval '1 day', '', $2, false, 'api', $2, $3, $4)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)fingerprint) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = T0.AddMinutes(minute).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)groupKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task AttemptAsync(NpgsqlDataSource db, int minute, string groupKey, string receiver, string integration, string outcome, ulong[] alerts)
    {
        var failed = outcome != "success";
        await using var cmd = db.CreateCommand("""
            INSERT INTO notification_attempts (at, group_key, receiver, integration, outcome, status_code, error, latency_ms, alerts, reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 12.5, $8, 'first notification')
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = T0.AddMinutes(minute).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = groupKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = receiver });
        cmd.Parameters.Add(new NpgsqlParameter { Value = integration });
        cmd.Parameters.Add(new NpgsqlParameter { Value = outcome });
        cmd.Parameters.Add(new NpgsqlParameter { Value = failed ? 503 : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter { Value = failed ? "boom" : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = alerts.Select(a => unchecked((long)a)).ToArray() });
        await cmd.ExecuteNonQueryAsync();
    }
}
