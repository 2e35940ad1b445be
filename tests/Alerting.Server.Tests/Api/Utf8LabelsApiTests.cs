using System.Net;
using System.Text.Json.Nodes;
using Alerting.Core.Matching;
using Alerting.Infrastructure;

namespace Alerting.Api;

/// <summary>
/// UTF-8 label names through the API, as Alertmanager 0.27+ takes them by default (Prometheus 3 sends
/// <c>service.name</c>), and as <c>--enable-feature=classic-mode</c> and <c>utf8-strict-mode</c> change that.
/// </summary>
public sealed class Utf8LabelsApiTests
{
    private const string Config = """
        route:
          receiver: default
          group_by: [service.name]
          routes:
            - receiver: api
              matchers: ['"service.name"="api"']
              group_by: [service.name, "k8s namespace"]
        receivers:
          - name: default
          - name: api
        inhibit_rules:
          - source_matchers: ['"alert.severity"="critical"']
            target_matchers: ['"alert.severity"="warning"']
            equal: [service.name]
        """;

    private const string Alerts = """
        [{"labels":{"alertname":"Down","service.name":"api","k8s namespace":"prod","alert.severity":"critical"}},
         {"labels":{"alertname":"Slow","service.name":"api","k8s namespace":"prod","alert.severity":"warning"},"annotations":{"runbook-url":"http://r"}},
         {"labels":{"alertname":"Other","service.name":"web"}}]
        """;

    private static Func<Configuration.ServerOptions, Configuration.ServerOptions> Mode(MatcherMode mode) => o => o with { MatcherMode = mode };

    private static string Filter(string matcher) => "filter=" + Uri.EscapeDataString(matcher);

    [Fact]
    public async Task Alerts_with_utf8_names_are_stored_routed_grouped_inhibited_and_filtered()
    {
        await using var host = await AlertingTestHost.StartAsync(Config);
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", Alerts)).StatusCode);

        var down = (await host.GetArrayAsync("api/v2/alerts?" + Filter("alertname=Down"))).Single()!;
        Assert.Equal("api", (string)down["labels"]!["service.name"]!);
        Assert.Equal("api", (string)down["receivers"]![0]!["name"]!);
        // Inhibited through UTF-8 names in the rule's matchers and equal.
        var slow = (await host.GetArrayAsync("api/v2/alerts?" + Filter("alertname=Slow"))).Single()!;
        Assert.Equal("suppressed", (string)slow["status"]!["state"]!);
        Assert.Equal("http://r", (string)slow["annotations"]!["runbook-url"]!);

        // Filters: the UTF-8 syntax with a quoted name, and the classic one where it suffices.
        Assert.Equal(2, (await host.GetArrayAsync("api/v2/alerts?" + Filter("\"service.name\"=\"api\""))).Count);
        Assert.Single(await host.GetArrayAsync("api/v2/alerts?" + Filter("\"k8s namespace\"=~\"pro.*\"") + "&" + Filter("alertname=Down")));
        Assert.Single(await host.GetArrayAsync("api/v2/alerts?" + Filter("service.name=web")));

        var groups = await host.GetArrayAsync("api/v2/alerts/groups");
        var apiGroup = groups.Single(g => (string)g!["receiver"]!["name"]! == "api")!;
        Assert.Equal("prod", (string)apiGroup["labels"]!["k8s namespace"]!);
        Assert.Equal(2, apiGroup["alerts"]!.AsArray().Count);
    }

    [Fact]
    public async Task Filters_are_single_matchers_without_braces_as_in_Alertmanager()
    {
        await using var host = await AlertingTestHost.StartAsync(Config);
        var braces = await host.Client.GetAsync("api/v2/alerts?" + Filter("{\"service.name\"=\"api\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, braces.StatusCode);
        Assert.Equal("unexpected open or close brace: {\"service.name\"=\"api\"}", (string)JsonNode.Parse(await braces.Content.ReadAsStringAsync())!);
        var neither = await host.Client.GetAsync("api/v2/silences?" + Filter("foo!bar"));
        Assert.Equal("bad matcher format: foo!bar", (string)JsonNode.Parse(await neither.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task A_silence_on_a_utf8_name_silences()
    {
        await using var host = await AlertingTestHost.StartAsync(Config);
        await host.PostJsonAsync("api/v2/alerts", Alerts);
        var created = await host.PostJsonAsync("api/v2/silences", $$"""
            {"matchers":[{"name":"service.name","value":"web","isRegex":false}],"startsAt":"{{DateTimeOffset.UtcNow:O}}",
             "endsAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}","createdBy":"t","comment":"c"}
            """);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var other = (await host.GetArrayAsync("api/v2/alerts?" + Filter("alertname=Other"))).Single()!;
        Assert.Single(other["status"]!["silencedBy"]!.AsArray());
        Assert.Single(await host.GetArrayAsync("api/v2/silences?" + Filter("\"service.name\"=web")));
    }

    [Fact]
    public async Task Classic_mode_refuses_utf8_names_as_Alertmanager_0_25()
    {
        const string ClassicConfig = "route:\n  receiver: default\nreceivers:\n  - name: default\n";
        await using var host = await AlertingTestHost.StartAsync(ClassicConfig, options: Mode(MatcherMode.Classic));
        var posted = await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"service.name":"api"}},{"labels":{"alertname":"Ok"}}]""");
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("alert 0: invalid label name \"service.name\"", (string)JsonNode.Parse(await posted.Content.ReadAsStringAsync())!);
        Assert.Equal(1, await host.CountAsync("alerts"));

        var silence = await host.PostJsonAsync("api/v2/silences", $$"""
            {"matchers":[{"name":"service.name","value":"web","isRegex":false}],"startsAt":"{{DateTimeOffset.UtcNow:O}}",
             "endsAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}","createdBy":"t","comment":"c"}
            """);
        Assert.Equal("silence invalid: invalid label matcher 0: invalid label name \"service.name\"", (string)JsonNode.Parse(await silence.Content.ReadAsStringAsync())!);
        // The classic filter parser takes one matcher with its own rules: braces are not for filters, and a=b,c is a's value.
        var filter = await host.Client.GetAsync("api/v2/alerts?" + Filter("\"service.name\"=api"));
        Assert.Equal("bad matcher format: \"service.name\"=api", (string)JsonNode.Parse(await filter.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Classic_mode_refuses_a_utf8_config_at_start()
    {
        var e = await Assert.ThrowsAsync<Core.Configuration.ConfigException>(() => AlertingTestHost.StartAsync(Config, options: Mode(MatcherMode.Classic)));
        Assert.Contains(e.Errors, x => x.ToString().Contains("group_by: invalid label name \"service.name\" in group_by list", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Strict_mode_refuses_classic_only_input_that_the_default_mode_takes_with_a_warning()
    {
        var logs = new CapturingLoggerProvider();
        await using (var fallback = await AlertingTestHost.StartAsync(Config, logs: logs))
        {
            Assert.Equal(HttpStatusCode.OK, (await fallback.Client.GetAsync("api/v2/alerts?" + Filter("alertname=!x"))).StatusCode);
            Assert.Contains(logs.Lines, l => l.Message.Contains(MatcherSyntax.FallbackWarning, StringComparison.Ordinal) && l.Message.Contains("origin=api", StringComparison.Ordinal));
        }
        await using var strict = await AlertingTestHost.StartAsync(Config, options: Mode(MatcherMode.Utf8Strict));
        var refused = await strict.Client.GetAsync("api/v2/alerts?" + Filter("alertname=!x"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("10:11: !: expected one of '=~': expected label value", (string)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!);
        Assert.Equal(HttpStatusCode.OK, (await strict.PostJsonAsync("api/v2/alerts", Alerts)).StatusCode);
    }

    [Fact]
    public async Task Grafanas_free_form_names_stay_in_the_default_mode_and_are_mapped_in_classic_mode()
    {
        const string Payload = """{"alerts":[{"status":"firing","labels":{"alertname":"Cpu","team name":"ops"}}]}""";
        await using (var utf8 = await AlertingTestHost.StartAsync())
        {
            await utf8.PostJsonAsync("api/grafana/alerts", Payload);
            Assert.Equal("ops", (string)(await utf8.GetArrayAsync("api/v2/alerts")).Single()!["labels"]!["team name"]!);
        }
        await using var classic = await AlertingTestHost.StartAsync(options: Mode(MatcherMode.Classic));
        await classic.PostJsonAsync("api/grafana/alerts", Payload);
        Assert.Equal("ops", (string)(await classic.GetArrayAsync("api/v2/alerts")).Single()!["labels"]!["team_name"]!);
    }
}
