using System.Text;
using System.Text.Json.Nodes;
using Alerting.Configuration;
using Alerting.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Alerting.Infrastructure;

/// <summary>
/// A real Alerting instance on a loopback port with a fresh PostgreSQL database, for integration tests.
/// </summary>
internal sealed class AlertingTestHost : IAsyncDisposable
{
    public const string DefaultConfig = """
        global:
          resolve_timeout: 5m
        route:
          receiver: default
          group_by: [alertname]
          routes:
            - receiver: db
              matchers: ['team="db"']
        receivers:
          - name: default
            webhook_configs:
              - url: http://127.0.0.1:1/hook?token=s3cr3t
          - name: db
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [cluster]
        """;

    /// <summary><see cref="DefaultConfig"/> with authentication on: readers with a token, operators with a password.</summary>
    public const string AuthConfig = DefaultConfig + """

        server:
          auth:
            read:
              bearer_tokens: [reader-token]
            write:
              basic:
                - username: operator
                  password: op-pass
        """;

    private AlertingTestHost(AlertingServer server, string configPath, string connectionString, FakeTimeProvider? time)
    {
        Server = server;
        ConfigPath = configPath;
        ConnectionString = connectionString;
        Time = time;
        Client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    internal AlertingServer Server { get; }

    public HttpClient Client { get; }

    public string ConfigPath { get; }

    public string ConnectionString { get; }

    public FakeTimeProvider? Time { get; }

    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>
    /// Starts an instance. Pass a connection string to reuse a database (restart tests), and <paramref name="clock"/>
    /// for a clock other than <paramref name="time"/> itself (one that steps, say).
    /// </summary>
    public static async Task<AlertingTestHost> StartAsync(
        string? config = null,
        string? connectionString = null,
        FakeTimeProvider? time = null,
        string? routePrefix = null,
        Func<ServerOptions, ServerOptions>? options = null,
        ILoggerProvider? logs = null,
        TimeProvider? clock = null,
        Action<IServiceCollection>? services = null)
    {
        connectionString ??= await TestDatabase.CreateAsync();
        var dir = Directory.CreateTempSubdirectory("alerting-test-config-");
        var configPath = Path.Combine(dir.FullName, "alerting.yml");
        await File.WriteAllTextAsync(configPath, config ?? DefaultConfig);
        var serverOptions = new ServerOptions
        {
            ConfigFile = configPath,
            ListenAddress = "127.0.0.1:0",
            DatabaseUrl = connectionString,
            RoutePrefix = routePrefix,
            LogLevel = "warn",
        };
        serverOptions = options?.Invoke(serverOptions) ?? serverOptions;
        var server = await AlertingServer.StartAsync(serverOptions, s =>
        {
            if ((clock ?? time) is { } provider)
            {
                s.Replace(ServiceDescriptor.Singleton(provider));
            }
            services?.Invoke(s);
        }, logs: logs);
        return new AlertingTestHost(server, configPath, connectionString, time);
    }

    public async Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        await Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public async Task<JsonArray> GetArrayAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsArray();
    }

    public async Task<JsonObject> GetObjectAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Everything in the alerts table, as a comparable snapshot.</summary>
    public async Task<string> SnapshotAlertsAsync()
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT coalesce(string_agg(fingerprint || ':' || labels::text || annotations::text || starts_at || ends_at, '|' ORDER BY fingerprint), '') FROM alerts", conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<long> CountAsync(string table)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {table}", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Memberships of alerts in groups, wherever they are kept (group_members rows and alerts' homes), as <c>m</c>.</summary>
    public Task<long> CountMembershipsAsync(string where = "true") =>
        ScalarAsync<long>($"SELECT count(*) FROM {Persistence.Memberships.All} m WHERE {where}");

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        // Each host writes its configuration into a directory of its own (thousands per run, otherwise left in /tmp).
        var dir = Path.GetDirectoryName(ConfigPath)!;
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
