using Alerting.Flushing;
using Alerting.Grouping;
using Alerting.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Escalation;

/// <summary>
/// A group with an escalation chain on a fake clock: chat at once, phone after 10 minutes, lead after 30, one WireMock
/// webhook with a path per receiver. <see cref="AtAsync"/> moves the clock in steps and runs the dispatcher's
/// and the scheduler's passes after each (their own loops run too; claims keep them from deciding anything twice).
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
        while (await Host.ScalarAsync<long>("SELECT count(*) FROM outbox") > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    public async Task<AlertingTestHost> StartHostAsync()
    {
        var host = await AlertingTestHost.StartAsync(Config(Sink), connectionString: Database, time: Time);
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
        await Sink.WaitForAsync(chat, TimeSpan.FromSeconds(30), "/chat");
        await Sink.WaitForAsync(phone, TimeSpan.FromSeconds(30), "/phone");
        await Sink.WaitForAsync(lead, TimeSpan.FromSeconds(30), "/lead");
        await LoggedAsync();
        await Task.Delay(200);
        Assert.True((chat, phone, lead) == (Count("chat"), Count("phone"), Count("lead")), Describe());
    }

    /// <summary>What each receiver got, for a failure's message.</summary>
    public string Describe() => string.Join("\n", Sink.Delivered().Select(d => $"{d["receiver"]} {d["status"]} {d["alerts"]!.AsArray().Count}"));

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
