using Alerting.Flushing;
using Alerting.Grouping;
using Alerting.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Escalation;

/// <summary>
/// A group with an escalation chain on a fake clock: chat at once, phone after 10 minutes, lead after 30, one WireMock
/// webhook with a path per receiver. <see cref="AtAsync"/> moves the clock in steps and runs the dispatcher's
/// and the scheduler's passes after each. The scheduler's own loop is left out: woken by a step and slow to run under
/// load, its pass could still hold a step when the test moves the clock again, past the lease, and the step would then
/// be decided at a later time than the test's (the escalation-kill fault test runs the loop, in the real binary). The
/// dispatcher's loop runs (it takes the ingestion writer's claims); the test waits for its passes before each step.
/// </summary>
internal sealed class EscalationTimeline : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 3, 0, 0, TimeSpan.Zero);

    public const string GroupKey = "{}:{alertname=\"Esc\"}";

    private EscalationTimeline(WebhookSink sink, FakeTimeProvider time, string database)
    {
        Sink = sink;
        Time = time;
        Database = database;
    }

    public WebhookSink Sink { get; }

    public FakeTimeProvider Time { get; }

    public string Database { get; }

    public List<AlertingTestHost> Hosts { get; } = [];

    public AlertingTestHost Host => Hosts[0];

    public TimeSpan Elapsed => Time.GetUtcNow() - T0;

    public static string Config(WebhookSink sink, string escalation = """
          escalation:
            - after: 10m
              receiver: phone
            - after: 30m
              receiver: lead
        """) => $"""
        global:
          resolve_timeout: 5m
        route:
          receiver: chat
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1m
          repeat_interval: 4h
        {escalation}
        receivers:
          - name: chat
            webhook_configs:
              - url: {sink.Url("/chat")}
          - name: phone
            webhook_configs:
              - url: {sink.Url("/phone")}
          - name: lead
            webhook_configs:
              - url: {sink.Url("/lead")}
        """;

    /// <summary>Starts <paramref name="instances"/> hosts on one new database and fires the group at <see cref="T0"/>; chat is told at once.</summary>
    public static async Task<EscalationTimeline> StartAsync(int instances = 1)
    {
        var timeline = new EscalationTimeline(new WebhookSink(), new FakeTimeProvider(T0), await TestDatabase.CreateAsync());
        for (var i = 0; i < instances; i++)
        {
            await timeline.StartHostAsync();
        }
        await timeline.PostAsync(T0.AddHours(12));
        await timeline.Sink.WaitForAsync(1, path: "/chat");
        await timeline.LoggedAsync();
        return timeline;
    }

    /// <summary>
    /// Waits until every send is logged. A send is logged after the webhook answered, with other finished sends, on the
    /// clock of that write: the next clock step must not come first, or a flush finds no log yet and tells the group again
    /// (seen under load and at a faked midnight), or the send is dated later and its repeat falls due later.
    /// </summary>
    public async Task LoggedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Host.ScalarAsync<long>("SELECT count(*) FROM outbox") > 0)
        {
            // A failed attempt is retried on the fake clock, which only the test moves: say so rather than go on with
            // a send that the next step would log late.
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("outbox not empty after 30 s: " + await Host.ScalarAsync<string>("""
                    SELECT coalesce(string_agg(o.receiver || ' attempts ' || o.attempts || coalesce(' last ' || a.outcome || ' ' || a.error, ''), '; '), 'emptied')
                    FROM outbox o LEFT JOIN LATERAL (SELECT outcome, error FROM notification_attempts t
                        WHERE t.group_key = o.group_key AND t.receiver = o.receiver ORDER BY t.id DESC LIMIT 1) a ON true
                    """));
            }
            await Task.Delay(20);
        }
    }

    public async Task<AlertingTestHost> StartHostAsync()
    {
        var host = await AlertingTestHost.StartAsync(Config(Sink), connectionString: Database, time: Time,
            services: s => s.Remove(s.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(EscalationScheduler))));
        Hosts.Add(host);
        return host;
    }

    public async Task StopHostAsync(AlertingTestHost host)
    {
        Hosts.Remove(host);
        await host.DisposeAsync();
    }

    /// <summary>Posts the group's alert, firing until <paramref name="endsAt"/> (in the past: resolved).</summary>
    public async Task PostAsync(DateTimeOffset endsAt)
    {
        var body = $$"""[{"labels":{"alertname":"Esc"},"startsAt":"{{T0.AddMinutes(-1):O}}","endsAt":"{{endsAt:O}}"}]""";
        var response = await Host.PostJsonAsync("api/v2/alerts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Moves the clock to <paramref name="at"/> after <see cref="T0"/> in steps (5 minutes by default), running the passes after each.</summary>
    public async Task AtAsync(TimeSpan at, TimeSpan? by = null)
    {
        var most = by ?? TimeSpan.FromMinutes(5);
        while (Elapsed < at)
        {
            var step = at - Elapsed < most ? at - Elapsed : most;
            Time.Advance(step);
            await PassesAsync();
        }
    }

    public async Task PassesAsync()
    {
        foreach (var host in Hosts)
        {
            await host.Server.Services.GetRequiredService<Dispatcher>().FlushDueAsync(CancellationToken.None);
        }
        await Task.WhenAll(Hosts.Select(h => h.Server.Services.GetRequiredService<EscalationSteps>().RunDueAsync(CancellationToken.None)));
        // A dispatcher loop's pass woken by the step may still hold groups: it must finish on this step's clock. (A
        // lease that ran out on the fake clock is no pass's any more: a stopped host's.)
        await Eventually.EqualAsync(0L, () => Host.ScalarAsync<long>(
            $"SELECT count(*) FROM aggregation_groups WHERE lease_owner IS NOT NULL AND lease_until > '{Time.GetUtcNow():O}'"), TimeSpan.FromSeconds(30));
        // The sender's timeout runs on this clock too: a send still under way when the test moves it again times out
        // (seen in CI: the phone step's POST "timed out after 10s" at the 10 → 12 minute step) and is retried later.
        await LoggedAsync();
    }

    public Task<bool> AcknowledgeAsync(string receiver, string by) =>
        Host.Server.Services.GetRequiredService<Acknowledgements>().AcknowledgeAsync(GroupKey, receiver, by, CancellationToken.None);

    public int Count(string receiver) => Sink.Delivered("/" + receiver).Count;

    /// <summary>
    /// Waits for the sends decided so far to arrive (delivery runs on its own; 30 s because a full parallel run once took
    /// over 10 s here), then checks nothing more came.
    /// </summary>
    public async Task ExpectAsync(int chat, int phone, int lead)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((Count("chat") < chat || Count("phone") < phone || Count("lead") < lead) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        await LoggedAsync();
        await Task.Delay(200);
        if ((chat, phone, lead) != (Count("chat"), Count("phone"), Count("lead")))
        {
            Assert.Fail($"expected chat {chat}, phone {phone}, lead {lead}; " + await DescribeAsync());
        }
    }

    /// <summary>What each receiver got, the chain's steps and the send attempts, for a failure's message.</summary>
    public async Task<string> DescribeAsync()
    {
        // Times as offsets from T0, as the tests state them.
        var t0 = $"'{T0:O}'::timestamptz";
        return $"at {Elapsed}, received:\n"
            + string.Join("\n", Sink.Delivered().Select(d => $"{d["receiver"]} {d["status"]} {d["alerts"]!.AsArray().Count}"))
            + "\nsteps: " + await Host.ScalarAsync<string>($"""
                SELECT coalesce(string_agg(step || ' ' || state || ' due ' || (due_at - {t0}) || coalesce(' sent ' || (sent_at - {t0}), '')
                    || coalesce(' lease ' || lease_owner, ''), '; ' ORDER BY chain_started_at, step), 'none') FROM escalations
                """)
            + "\nattempts: " + await Host.ScalarAsync<string>($"""
                SELECT coalesce(string_agg(receiver || ' ' || outcome || ' at ' || (at - {t0}) || coalesce(' ' || error, ''), '; ' ORDER BY id), 'none')
                FROM notification_attempts
                """)
            + "\nlog: " + await Host.ScalarAsync<string>($"""
                SELECT coalesce(string_agg(receiver || ' at ' || (sent_at - {t0}), '; '), 'none') FROM notification_log
                """);
    }

    /// <summary>The chain's steps as "step:state:reason", oldest chain first.</summary>
    public async Task<string> StepsAsync() =>
        await Host.ScalarAsync<string>("SELECT coalesce(string_agg(step || ':' || state || coalesce(':' || stopped_reason, ''), ' ' ORDER BY chain_started_at, step), '') FROM escalations");

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts)
        {
            await host.DisposeAsync();
        }
        Sink.Dispose();
    }
}
