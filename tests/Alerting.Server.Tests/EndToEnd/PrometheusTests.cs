using System.Diagnostics;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.EndToEnd;

/// <summary>
/// Debian's real Prometheus, with a rule that fires at once and its <c>alerting:</c> section pointing at a
/// running instance: the alert arrives through the API, is grouped, is delivered, and resolves when the rule
/// stops firing (the rules file is rewritten and Prometheus reloaded).
/// </summary>
public sealed class PrometheusTests(ITestOutputHelper output)
{
    private const string AlertName = "PrometheusEndToEnd";

    // Two series, so that two alerts of one rule share a group; and the same rule switched off.
    private const string FiringExpr = """label_replace(vector(1), "instance", "a", "", "") or label_replace(vector(1), "instance", "b", "", "")""";
    private const string SilentExpr = "vector(1) == 0";

    [RequiresToolFact("prometheus")]
    public async Task Prometheus_rule_fires_is_grouped_delivered_and_resolves()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync($$"""
            route:
              receiver: hook
              group_by: [alertname, team]
              group_wait: 1s
              group_interval: 2s
              repeat_interval: 1h
            receivers:
              - name: hook
                webhook_configs:
                  - url: {{sink.Url("/prometheus")}}
            """);
        var alerting = host.BaseAddress;

        // From here on, everything is bounded by one budget: Prometheus's start, the rule, both notifications.
        var overall = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(60);

        using var dir = new TempDirectory("prom-e2e-");
        var rulesFile = Path.Combine(dir.Path, "rules.yml");
        await File.WriteAllTextAsync(rulesFile, Rules(run, firing: true));
        var configFile = Path.Combine(dir.Path, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, $$"""
            global:
              evaluation_interval: 1s
            rule_files: [rules.yml]
            alerting:
              alertmanagers:
                - api_version: v2
                  static_configs:
                    - targets: ["{{alerting.Authority}}"]
            """);

        var port = TestEnvironment.FreeLoopbackPort();
        var prometheusUrl = new Uri($"http://127.0.0.1:{port}/");
        using var prometheus = StartPrometheus(configFile, Path.Combine(dir.Path, "tsdb"), port, prometheusUrl, out var log);
        using var prom = new HttpClient { BaseAddress = prometheusUrl, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await WaitUntil("Prometheus is ready", Remaining(), log, async () =>
                prometheus.HasExited ? throw new InvalidOperationException($"prometheus exited with {prometheus.ExitCode}") :
                await Answers(prom, "-/ready"));
            output.WriteLine($"prometheus ready after {overall.Elapsed.TotalSeconds:F1}s");

            // 1. Both alerts of the rule arrive through Alertmanager's API, as Prometheus sent them.
            var filter = Uri.EscapeDataString($"alertname=\"{AlertName}\"");
            JsonArray alerts = [];
            await WaitUntil("both alerts are in GET /api/v2/alerts", Remaining(), log, async () =>
            {
                alerts = await host.GetArrayAsync($"api/v2/alerts?filter={filter}");
                return alerts.Count == 2;
            });
            output.WriteLine($"both alerts in the API after {overall.Elapsed.TotalSeconds:F1}s");
            foreach (var alert in alerts)
            {
                Assert.Equal(run, (string?)alert!["labels"]!["e2e_run"]);
                Assert.Equal("e2e", (string?)alert["labels"]!["team"]);
                Assert.Equal("critical", (string?)alert["labels"]!["severity"]);
                Assert.StartsWith("end-to-end alert on ", (string?)alert["annotations"]!["summary"]);
                Assert.StartsWith(prometheusUrl.ToString(), (string?)alert["generatorURL"]);
                Assert.Equal("active", (string?)alert["status"]!["state"]);
            }
            Assert.Equal(new[] { "a", "b" }, alerts.Select(a => (string)a!["labels"]!["instance"]!).Order().ToArray());

            // 2. They form one group: same alertname and team, different instances.
            var groups = await host.GetArrayAsync("api/v2/alerts/groups");
            var group = Assert.Single(groups, g => (string?)g!["labels"]!["alertname"] == AlertName)!;
            Assert.Equal("e2e", (string?)group["labels"]!["team"]);
            Assert.Equal(2, group["alerts"]!.AsArray().Count);
            Assert.Equal("hook", (string?)group["receiver"]!["name"]);

            // 3. One notification carries both alerts to the webhook.
            JsonObject firing = null!;
            await WaitUntil("a firing notification with both alerts", Remaining(), log, () =>
            {
                firing = sink.Delivered("/prometheus").FirstOrDefault(n =>
                    (string?)n["status"] == "firing" && n["alerts"]!.AsArray().Count == 2)!;
                return Task.FromResult(firing is not null);
            });
            Assert.Equal("hook", (string?)firing["receiver"]);
            Assert.Equal($"{{}}:{{alertname=\"{AlertName}\", team=\"e2e\"}}", (string?)firing["groupKey"]);
            Assert.Equal("critical", (string?)firing["commonLabels"]!["severity"]);
            Assert.All(firing["alerts"]!.AsArray(), a => Assert.Equal("firing", (string?)a!["status"]));
            output.WriteLine($"firing notification after {overall.Elapsed.TotalSeconds:F1}s: {firing.ToJsonString()}");

            // 4. The rule stops firing: Prometheus sends both alerts with endsAt set, and a resolved notification follows.
            await File.WriteAllTextAsync(rulesFile, Rules(run, firing: false));
            var reload = await prom.PostAsync("-/reload", null);
            Assert.True(reload.IsSuccessStatusCode, $"POST /-/reload: {(int)reload.StatusCode} {await reload.Content.ReadAsStringAsync()}");

            JsonObject resolved = null!;
            await WaitUntil("a resolved notification", Remaining(), log, () =>
            {
                resolved = sink.Delivered("/prometheus").FirstOrDefault(n => (string?)n["status"] == "resolved")!;
                return Task.FromResult(resolved is not null);
            });
            Assert.Equal(firing["groupKey"]!.ToString(), resolved["groupKey"]!.ToString());
            Assert.Equal(2, resolved["alerts"]!.AsArray().Count);
            Assert.All(resolved["alerts"]!.AsArray(), a =>
            {
                Assert.Equal("resolved", (string?)a!["status"]);
                Assert.NotEqual("0001-01-01T00:00:00Z", (string?)a["endsAt"]);
            });
            var after = await host.GetArrayAsync($"api/v2/alerts?filter={filter}");
            Assert.Empty(after);
            output.WriteLine($"resolved notification after {overall.Elapsed.TotalSeconds:F1}s: {resolved.ToJsonString()}");
            output.WriteLine($"notifications: {string.Join(", ", sink.Delivered("/prometheus").Select(n => $"{n["status"]} ({n["alerts"]!.AsArray().Count})"))}; "
                + $"{sink.Requests.Count} requests; total {overall.Elapsed.TotalSeconds:F1}s");
        }
        catch
        {
            output.WriteLine("--- prometheus log ---\n" + log);
            throw;
        }
        finally
        {
            if (!prometheus.HasExited)
            {
                prometheus.Kill(entireProcessTree: true);
            }
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await prometheus.WaitForExitAsync(exit.Token);
        }
        Assert.True(overall.Elapsed < budget, $"took {overall.Elapsed}");

        TimeSpan Remaining() => budget - overall.Elapsed;
    }

    /// <summary>
    /// The stack's own rules (rules/*.rules.yml) in a real Prometheus that scrapes Alerting as job "alerting":
    /// every rule evaluates without error, the metrics the self-monitoring rules read are there, and the
    /// Watchdog reaches Alerting while AlertingDown stays quiet.
    /// </summary>
    /// <summary>When Prometheus last evaluated a rule; its times have nanoseconds, one digit more than .NET parses.</summary>
    private static DateTimeOffset LastEvaluation(JsonNode rule) =>
        (string?)rule["lastEvaluation"] is { } t && !t.StartsWith("0001-", StringComparison.Ordinal)
            ? DateTimeOffset.Parse(System.Text.RegularExpressions.Regex.Replace(t, @"(\.\d{7})\d+", "$1"), System.Globalization.CultureInfo.InvariantCulture)
            : DateTimeOffset.MinValue;

    [RequiresToolFact("prometheus")]
    public async Task Stack_rules_evaluate_against_a_scraped_Alerting_and_the_Watchdog_arrives()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var overall = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(60);

        var rulesDir = Path.Combine(TestEnvironment.RepositoryRoot, "rules");
        var ruleFiles = Directory.GetFiles(rulesDir, "*.rules.yml").Order().ToArray();
        Assert.NotEmpty(ruleFiles);
        using var dir = new TempDirectory("prom-stack-");
        var configFile = Path.Combine(dir.Path, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, $$"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [{{string.Join(", ", ruleFiles.Select(f => $"\"{f}\""))}}]
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ["{{host.BaseAddress.Authority}}"]
            scrape_configs:
              - job_name: alerting
                static_configs:
                  - targets: ["{{host.BaseAddress.Authority}}"]
            """);
        var port = TestEnvironment.FreeLoopbackPort();
        var prometheusUrl = new Uri($"http://127.0.0.1:{port}/");
        using var prometheus = StartPrometheus(configFile, Path.Combine(dir.Path, "tsdb"), port, prometheusUrl, out var log);
        using var prom = new HttpClient { BaseAddress = prometheusUrl, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await WaitUntil("Prometheus is ready", Remaining(), log, async () =>
                prometheus.HasExited ? throw new InvalidOperationException($"prometheus exited with {prometheus.ExitCode}") :
                await Answers(prom, "-/ready"));

            // The Watchdog fires at once and reaches Alerting like any alert.
            await WaitUntil("the Watchdog is in GET /api/v2/alerts", Remaining(), log, async () =>
                (await host.GetArrayAsync("api/v2/alerts?filter=" + Uri.EscapeDataString("alertname=\"Watchdog\""))).Count == 1);
            output.WriteLine($"Watchdog arrived after {overall.Elapsed.TotalSeconds:F1}s");

            // Alerting is scraped, and the gauges its rules read are exported.
            foreach (var query in (string[])[
                "up{job=\"alerting\"} == 1",
                "alertmanager_config_last_reload_successful{job=\"alerting\"} == 1",
                "alerting_outbox_depth{job=\"alerting\"}",
                "alerting_outbox_oldest_age_seconds{job=\"alerting\"}",
                "alertmanager_config_hash{job=\"alerting\"}",
                "process_start_time_seconds{job=\"alerting\"}",
                "alertmanager_build_info{job=\"alerting\"} == 1",
            ])
            {
                await WaitUntil($"{query} has a result", Remaining(), log, async () =>
                    (await QueryAsync(prom, query)).Count > 0);
            }

            // Every rule of every group has been evaluated against this data without an error. An evaluation from
            // before the first scrape does not count: AlertingDown (absent(up == 1)) would still be pending from it.
            var scraped = DateTimeOffset.UtcNow;
            JsonArray groups = [];
            await WaitUntil("every rule has been evaluated since Alerting was scraped", Remaining(), log, async () =>
            {
                groups = JsonNode.Parse(await prom.GetStringAsync("api/v1/rules"))!["data"]!["groups"]!.AsArray();
                return groups.Count == ruleFiles.Length && groups.SelectMany(g => g!["rules"]!.AsArray())
                    .All(r => LastEvaluation(r!) > scraped);
            });
            var rules = groups.SelectMany(g => g!["rules"]!.AsArray()).ToList();
            var broken = rules.Where(r => (string?)r!["health"] != "ok").Select(r => $"{r!["name"]}: {r["lastError"]}").ToList();
            Assert.True(broken.Count == 0, "rules that failed to evaluate:\n" + string.Join("\n", broken));
            Assert.Empty(await QueryAsync(prom, "ALERTS{alertname=~\"AlertingDown|AlertingInstanceDown|AlertingConfigReloadFailed\"}"));
            output.WriteLine($"{rules.Count} rules in {groups.Count} groups evaluated, all healthy, after {overall.Elapsed.TotalSeconds:F1}s");
        }
        catch
        {
            output.WriteLine("--- prometheus log ---\n" + log);
            throw;
        }
        finally
        {
            if (!prometheus.HasExited)
            {
                prometheus.Kill(entireProcessTree: true);
            }
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await prometheus.WaitForExitAsync(exit.Token);
        }
        Assert.True(overall.Elapsed < budget, $"took {overall.Elapsed}");

        TimeSpan Remaining() => budget - overall.Elapsed;
    }

    private static async Task<JsonArray> QueryAsync(HttpClient prometheus, string query)
    {
        var body = JsonNode.Parse(await prometheus.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(query)))!;
        return body["data"]!["result"]!.AsArray();
    }

    /// <summary>A rule that fires at once for two instances, or, switched off, the same rule matching nothing.</summary>
    private static string Rules(string run, bool firing) => $$"""
        groups:
          - name: e2e
            interval: 1s
            rules:
              - alert: {{AlertName}}
                expr: {{(firing ? FiringExpr : SilentExpr)}}
                labels:
                  severity: critical
                  team: e2e
                  e2e_run: "{{run}}"
                annotations:
                  summary: "end-to-end alert on {{"{{"}} $labels.instance {{"}}"}}"
        """;

    private Process StartPrometheus(string configFile, string storage, int port, Uri url, out SyncLog log)
    {
        var psi = new ProcessStartInfo(Tools.Require("prometheus"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(configFile)!,
        };
        foreach (var arg in (string[])[
            $"--config.file={configFile}",
            $"--storage.tsdb.path={storage}",
            $"--web.listen-address=127.0.0.1:{port}",
            $"--web.external-url={url}",
            "--web.enable-lifecycle",
            "--rules.alert.resend-delay=1s",
            "--log.level=info",
        ])
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi)!;
        var sink = new SyncLog();
        process.OutputDataReceived += (_, e) => sink.Add(e.Data);
        process.ErrorDataReceived += (_, e) => sink.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log = sink;
        output.WriteLine($"started prometheus (pid {process.Id}) on {url}");
        return process;
    }

    private static async Task WaitUntil(string what, TimeSpan timeout, SyncLog log, Func<Task<bool>> check)
    {
        var deadline = Deadline.In(timeout);
        while (!deadline.Passed)
        {
            if (await check())
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"timed out after {timeout.TotalSeconds}s waiting until {what}\n--- prometheus log ---\n{log}");
    }

    private static async Task<bool> Answers(HttpClient client, string path)
    {
        try
        {
            return (await client.GetAsync(path)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Prometheus's output, collected from two reader threads.</summary>
    private sealed class SyncLog
    {
        private readonly List<string> _lines = [];

        public void Add(string? line)
        {
            if (line is not null)
            {
                lock (_lines)
                {
                    _lines.Add(line);
                }
            }
        }

        public override string ToString()
        {
            lock (_lines)
            {
                return string.Join("\n", _lines.TakeLast(60));
            }
        }
    }
}
