using System.Net;
using Alerting.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Alerting.Api;

public sealed class StatusApiTests
{
    [Fact]
    public async Task Status_reports_version_cluster_and_masked_config()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var status = await host.GetObjectAsync("api/v2/status");
        Assert.Equal("ready", (string)status["cluster"]!["status"]!);
        var name = (string)status["cluster"]!["name"]!;
        Assert.Contains(status["cluster"]!["peers"]!.AsArray(), p => (string)p!["name"]! == name);
        Assert.False(string.IsNullOrEmpty((string)status["versionInfo"]!["version"]!));
        var original = (string)status["config"]!["original"]!;
        Assert.Contains("receiver: default", original);
        Assert.DoesNotContain("s3cr3t", original);
        Assert.Contains("<secret>", original);
        Assert.True(DateTimeOffset.TryParse((string)status["uptime"]!, System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task Receivers_are_listed()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var names = (await host.GetArrayAsync("api/v2/receivers")).Select(r => (string)r!["name"]!).ToList();
        Assert.Equal(["default", "db"], names);
    }

    [Fact]
    public async Task Health_and_readiness()
    {
        await using var host = await AlertingTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("-/healthy")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "-/healthy"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("-/ready")).StatusCode);
    }

    [Fact]
    public async Task Not_ready_names_no_database_host_or_user()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var database = new NpgsqlConnectionStringBuilder(host.ConnectionString).Database!;
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(host.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        await ExecuteAsync(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
        try
        {
            await ExecuteAsync(admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
            var response = await host.Client.GetAsync("-/ready");
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("not ready: database unavailable", body);
        }
        finally
        {
            await ExecuteAsync(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }
        // Back on its own once the database lets it in.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("-/ready")).StatusCode);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Reload_applies_a_valid_config_and_refuses_an_invalid_one()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await File.WriteAllTextAsync(host.ConfigPath, AlertingTestHost.DefaultConfig.Replace("- name: db", "- name: db\n  - name: extra"));
        var ok = await host.Client.PostAsync("-/reload", null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(3, (await host.GetArrayAsync("api/v2/receivers")).Count);

        await File.WriteAllTextAsync(host.ConfigPath, "route:\n  receiver: nobody\nreceivers:\n  - name: default\n");
        var refused = await host.Client.PostAsync("-/reload", null);
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        var reason = await refused.Content.ReadAsStringAsync();
        Assert.Contains("alerting.yml:2", reason);
        Assert.Contains("nobody", reason);
        // The running configuration stays.
        Assert.Equal(3, (await host.GetArrayAsync("api/v2/receivers")).Count);

        var metrics = await host.Client.GetStringAsync("metrics");
        Assert.Contains("alertmanager_config_last_reload_successful 0", metrics);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await host.Client.GetAsync("-/reload")).StatusCode);
    }

    /// <summary>
    /// The real binary, as an operator reloads it: a signal to this test process would reach every host of the parallel
    /// tests. Fails when the tests run with SIGHUP ignored (under nohup): .NET then never calls the handler.
    /// </summary>
    [Fact]
    public async Task Sighup_reloads_the_config()
    {
        using var dir = new TempDirectory();
        var configPath = Path.Combine(dir.Path, "alerting.yml");
        await File.WriteAllTextAsync(configPath, AlertingTestHost.DefaultConfig);
        await using var child = await ChildProcessAlerting.StartAsync(configPath, await TestDatabase.CreateAsync());
        Assert.DoesNotContain("viasighup", await child.Client.GetStringAsync("api/v2/receivers"), StringComparison.Ordinal);

        await File.WriteAllTextAsync(configPath, AlertingTestHost.DefaultConfig.Replace("- name: db", "- name: db\n  - name: viasighup"));
        await child.SignalAsync("HUP");
        var deadline = Deadline.In(TimeSpan.FromSeconds(30));
        while (!deadline.Passed && !(await child.Client.GetStringAsync("api/v2/receivers")).Contains("viasighup", StringComparison.Ordinal))
        {
            await Task.Delay(100);
        }
        Assert.True((await child.Client.GetStringAsync("api/v2/receivers")).Contains("viasighup", StringComparison.Ordinal), "not reloaded:\n" + child.Output);
        var metrics = await child.Client.GetStringAsync("metrics");
        Assert.Contains("alertmanager_config_last_reload_successful 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_use_Alertmanager_names()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"M1"}},{"labels":{"alertname":"M2"},"endsAt":"2020-01-01T00:00:00Z","startsAt":"2019-01-01T00:00:00Z"},{"labels":{}}]""");
        var metrics = await host.Client.GetStringAsync("metrics");
        Assert.Contains("alertmanager_alerts_received_total{status=\"firing\"} 1", metrics);
        Assert.Contains("alertmanager_alerts_received_total{status=\"resolved\"} 1", metrics);
        Assert.Contains("alertmanager_alerts_invalid_total 1", metrics);
        Assert.Contains("alertmanager_alerts{state=\"active\"} 1", metrics);
        Assert.Contains("alertmanager_silences{state=\"active\"} 0", metrics);
        Assert.Contains("alertmanager_config_hash ", metrics);
        Assert.Contains("alertmanager_config_last_reload_successful 1", metrics);
        Assert.Contains("http_requests_received_total", metrics);
    }

    [Fact]
    public async Task Route_prefix_serves_everything_under_it()
    {
        await using var host = await AlertingTestHost.StartAsync(routePrefix: "/am");
        Assert.EndsWith("/am/", host.BaseAddress.ToString());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("api/v2/status")).StatusCode);
    }
}
