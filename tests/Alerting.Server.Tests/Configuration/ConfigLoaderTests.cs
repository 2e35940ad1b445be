using System.Security.Cryptography;
using System.Text;
using Alerting.Channels.DingTalk;
using Alerting.Channels.Email;
using Alerting.Channels.PagerDuty;
using Alerting.Channels.Slack;
using Alerting.Channels.Webhook;
using Alerting.Core.Configuration;
using Alerting.Core.TimeIntervals;
using Alerting.Infrastructure;

namespace Alerting.Configuration;

public sealed class ConfigLoaderTests
{
    private static readonly AlertingConfig s_full = TestConfig.Load(SampleConfigs.Full, "alerting.yml");

    private static int LineOf(string text, string needle) =>
        text[..text.IndexOf(needle, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    [Fact]
    public void Full_config_keeps_file_identity()
    {
        Assert.Equal("alerting.yml", s_full.FileName);
        Assert.Equal(SampleConfigs.Full, s_full.Original);
        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(SampleConfigs.Full))).ToLowerInvariant();
        Assert.Equal(expected, s_full.Hash);
        Assert.Equal(64, s_full.Hash.Length);
    }

    [Fact]
    public void Full_config_global()
    {
        var g = s_full.Global;
        var smtp = g.DefaultsOf<EmailDefaults>()!;
        Assert.Equal(TimeSpan.FromMinutes(10), g.ResolveTimeout);
        Assert.Equal("alertmanager@example.org", smtp.From);
        Assert.Equal("localhost", smtp.Hello);
        Assert.Equal("smtp.example.org:587", smtp.Smarthost);
        Assert.Equal("alertmanager", smtp.AuthUsername);
        Assert.Equal("smtp-pass-123", smtp.AuthPassword);
        Assert.False(smtp.RequireTls);
        Assert.Equal("https://hooks.slack.com/services/T000/B000/XXXXSECRET", g.DefaultsOf<SlackDefaults>()!.ApiUrl);
        Assert.Equal("https://events.pagerduty.com/v2/enqueue", g.DefaultsOf<PagerDutyDefaults>()!.Url);
        Assert.Equal("zh-CN", g.Language);
        Assert.False(g.HttpConfig.FollowRedirects);
        Assert.Equal("global-bearer-token", g.HttpConfig.BearerToken);
        Assert.Equal(("Bearer", "global-bearer-token"), g.HttpConfig.AuthorizationHeader);
    }

    [Fact]
    public void Full_config_route_tree()
    {
        var root = s_full.RootRoute;
        Assert.Equal("default", root.Receiver);
        Assert.Equal(["alertname", "cluster"], root.GroupBy);
        Assert.Equal(TimeSpan.FromSeconds(45), root.GroupWait);
        Assert.Equal(TimeSpan.FromMinutes(10), root.GroupInterval);
        Assert.Equal(TimeSpan.FromHours(3), root.RepeatInterval);
        Assert.Empty(root.Matchers);
        Assert.Equal(LineOf(SampleConfigs.Full, "  receiver: default"), root.Line);
        Assert.Equal(3, root.Routes.Count);

        var db = root.Routes[0];
        Assert.Equal("db-team", db.Receiver);
        Assert.Equal("{severity=~\"critical|warning\",team=\"db\"}", db.Matchers.ToString());
        Assert.Equal(["alertname", "instance"], db.GroupBy);
        Assert.Null(db.GroupWait);
        Assert.Equal(LineOf(SampleConfigs.Full, "    - matchers:\n        - team"), db.Line);

        var pager = Assert.Single(db.Routes);
        Assert.True(pager.Continue);
        Assert.Equal(["offhours"], pager.MuteTimeIntervals);
        Assert.Null(pager.GroupBy);

        var web = root.Routes[1];
        // match and match_re become matchers; match_re is anchored as Alertmanager anchors it.
        Assert.Equal("{env=~\"^(?:prod|staging)$\",service=\"web\"}", web.Matchers.ToString());
        Assert.Equal(TimeSpan.FromDays(1), web.RepeatInterval);
        Assert.Equal(["business-hours"], web.ActiveTimeIntervals);
        Assert.True(web.Matchers.Matches(Core.Labels.LabelSet.From(("service", "web"), ("env", "prod"))));
        Assert.False(web.Matchers.Matches(Core.Labels.LabelSet.From(("service", "web"), ("env", "production"))));

        var all = root.Routes[2];
        Assert.True(all.GroupByAll);
        Assert.Null(all.GroupBy);
        Assert.Equal(Core.Matching.MatchType.Regexp, Assert.Single(all.Matchers).Type);
    }

    [Fact]
    public void Full_config_inhibit_rules()
    {
        Assert.Equal(2, s_full.InhibitRules.Count);
        var first = s_full.InhibitRules[0];
        Assert.Equal("{severity=\"critical\"}", first.SourceMatchers.ToString());
        Assert.Equal("{severity=\"warning\"}", first.TargetMatchers.ToString());
        Assert.Equal(["alertname", "cluster"], first.Equal);
        Assert.Equal(LineOf(SampleConfigs.Full, "  - source_matchers"), first.Line);

        var legacy = s_full.InhibitRules[1];
        Assert.Equal("{alertname=\"NodeDown\"}", legacy.SourceMatchers.ToString());
        Assert.Equal("{alertname=~\"^(?:Node.+)$\"}", legacy.TargetMatchers.ToString());
        Assert.Equal(["instance"], legacy.Equal);
    }

    [Fact]
    public void Full_config_receivers_and_integrations()
    {
        Assert.Equal(["default", "db-team", "db-pager", "web-team", "everything"], s_full.Receivers.Select(r => r.Name));

        var hook = Assert.Single(s_full.FindReceiver("default")!.Integrations<WebhookConfig>());
        Assert.Equal("http://hooks.example.org/alert?token=abc123", hook.Url);
        Assert.True(hook.SendResolved);
        Assert.Equal(10, hook.MaxAlerts);
        Assert.Equal(TimeSpan.FromSeconds(15), hook.Timeout);
        // No http_config of its own: the global one applies.
        Assert.Same(s_full.Global.HttpConfig, hook.HttpConfig);

        var db = s_full.FindReceiver("db-team")!;
        var email = Assert.Single(db.Integrations<EmailConfig>());
        Assert.Equal("db@example.org", email.To);
        Assert.Equal("alertmanager@example.org", email.From);
        Assert.Equal("smtp.example.org:587", email.Smarthost);
        Assert.Equal("localhost", email.Hello);
        Assert.Equal("alertmanager", email.AuthUsername);
        Assert.Equal("smtp-pass-123", email.AuthPassword);
        Assert.False(email.RequireTls);
        Assert.False(email.SendResolved);
        Assert.Equal("DB alert", email.Headers["Subject"]);
        Assert.Equal("1", email.Headers["X-Priority"]);

        var slack = Assert.Single(db.Integrations<SlackConfig>());
        Assert.Equal("https://hooks.slack.com/services/T000/B000/XXXXSECRET", slack.ApiUrl);
        Assert.Equal("#db", slack.Channel);
        Assert.True(slack.SendResolved);
        Assert.Equal(new SlackField("Severity", "{{ .CommonLabels.severity }}", true), Assert.Single(slack.Fields));
        var action = Assert.Single(slack.Actions);
        Assert.Equal("https://runbooks.example.org/db", action.Url);
        Assert.Null(action.Confirm); // a URL button drops its confirm, name and value, as Alertmanager's config does
        Assert.Null(slack.Text);

        var pager = s_full.FindReceiver("db-pager")!;
        var pagerHook = Assert.Single(pager.Integrations<WebhookConfig>());
        Assert.False(pagerHook.SendResolved);
        Assert.Equal(new BasicAuth("pager", "pager-basic-pass", null), pagerHook.HttpConfig.BasicAuth);
        Assert.True(pagerHook.HttpConfig.FollowRedirects);
        Assert.Equal("pd-routing-key-secret", Assert.Single(pager.Integrations<PagerDutyConfig>()).RoutingKey);

        var web = s_full.FindReceiver("web-team")!;
        var dt = Assert.Single(web.Integrations<DingTalkConfig>());
        Assert.Equal("https://oapi.dingtalk.com/robot/send?access_token=dt-access-token", dt.Url);
        Assert.Equal("SEC-dingtalk-signing-secret", dt.Secret);
        Assert.Equal(DingTalkMessageType.ActionCard, dt.MessageType);
        Assert.Equal("告警", dt.Keyword);
        Assert.Equal(["13800000000"], dt.AtMobiles);
        Assert.False(dt.IsAtAll);
        Assert.True(dt.SendResolved);
        Assert.Equal("en", dt.Language);
        var webEmail = Assert.Single(web.Integrations<EmailConfig>());
        Assert.Equal("web-alerts@example.org", webEmail.From);
        Assert.Equal("mail.example.org:25", webEmail.Smarthost);
        Assert.Equal("web-mail-pass", webEmail.AuthPassword);
        Assert.True(webEmail.RequireTls);
        Assert.Equal("<b>{{ .Status }}</b>", webEmail.Html);
        Assert.Equal(2, web.IntegrationCount);

        Assert.Equal(2, s_full.FindReceiver("everything")!.IntegrationCount); // opsgenie, telegram
    }

    [Fact]
    public void Every_integration_of_the_sample_is_supported()
    {
        Assert.Empty(s_full.Warnings);
    }

    [Fact]
    public void Full_config_time_intervals()
    {
        Assert.Equal(["offhours", "business-hours", "year-end"], s_full.TimeIntervals.Select(t => t.Name));
        var off = s_full.FindTimeInterval("offhours")!;
        Assert.Equal(2, off.Intervals.Count);
        Assert.Equal([new TimeRange(0, 480), new TimeRange(1080, 1440)], off.Intervals[0].Times);
        Assert.Equal([new InclusiveRange(6, 6), new InclusiveRange(0, 0)], off.Intervals[1].Weekdays);
        Assert.Null(off.Intervals[1].Times);
        var business = s_full.FindTimeInterval("business-hours")!.Intervals[0];
        Assert.Equal([new InclusiveRange(1, 5)], business.Weekdays);
        Assert.Equal("Asia/Shanghai", business.Location);
        Assert.NotNull(business.TimeZone);
        var yearEnd = s_full.FindTimeInterval("year-end")!.Intervals[0];
        Assert.Equal([new InclusiveRange(12, 12)], yearEnd.Months);
        Assert.Equal([new InclusiveRange(-7, -1)], yearEnd.DaysOfMonth);
        Assert.Equal([new InclusiveRange(2024, 2026)], yearEnd.Years);
        Assert.Null(yearEnd.Times);
    }

    [Fact]
    public void Full_config_server_section()
    {
        var server = s_full.Server;
        Assert.Equal(["read-token-1"], server.Auth.Read.BearerTokens);
        Assert.Empty(server.Auth.Read.Basic);
        Assert.Equal(["write-token-1"], server.Auth.Write.BearerTokens);
        Assert.Equal(new BasicCredential("admin", "admin-pass"), Assert.Single(server.Auth.Write.Basic));
        Assert.Equal(["send-token-1"], server.Auth.Send.BearerTokens);
        // The ingest limits keep their defaults when not given.
        Assert.Equal(100, server.Limits.IngestRequestsPerSecond);
        Assert.Equal(200, server.Limits.IngestBurst);
        Assert.Equal(16, server.Limits.IngestConcurrencyPerSource);
        Assert.Equal(64, server.Limits.IngestConcurrency);
        Assert.Equal(1_048_576, server.Limits.MaxBodyBytes);
        Assert.Equal(500, server.Limits.MaxAlertsPerRequest);
        Assert.Equal(128, server.Limits.MaxLabelsPerAlert);
        Assert.Equal(65_536, server.Limits.MaxAnnotationValueLength);

        Assert.Equal(2, server.Grafana.Sources.Count);
        var prod = server.Grafana.Sources[0];
        Assert.Equal("grafana-prod", prod.Name);
        Assert.Equal("grafana-hmac-secret", prod.HmacSecret);
        Assert.Equal("X-Grafana-Alerting-Signature", prod.HmacHeader);
        Assert.Equal("X-Grafana-Alerting-Signature-Timestamp", prod.TimestampHeader);
        Assert.Equal(TimeSpan.FromMinutes(2), prod.MaxSkew);
        var dev = server.Grafana.Sources[1];
        Assert.Equal("grafana-dev-token", dev.BearerToken);
        Assert.Equal(TimeSpan.FromMinutes(5), dev.MaxSkew);
    }

    [Fact]
    public void Ingest_burst_follows_the_rate_unless_given()
    {
        const string Head = "route:\n  receiver: r\nreceivers:\n  - name: r\nserver:\n  limits:\n";
        var derived = TestConfig.Load(Head + "    ingest_requests_per_second: 7\n", "a.yml").Server.Limits;
        Assert.Equal((7, 14), (derived.IngestRequestsPerSecond, derived.IngestBurst));
        var given = TestConfig.Load(Head + "    ingest_requests_per_second: 7\n    ingest_burst: 3\n    ingest_concurrency: 0\n", "a.yml").Server.Limits;
        Assert.Equal((7, 3, 0), (given.IngestRequestsPerSecond, given.IngestBurst, given.IngestConcurrency));
    }

    [Fact]
    public void Minimal_config_gets_alertmanager_defaults()
    {
        var config = TestConfig.Load("route:\n  receiver: r\nreceivers:\n  - name: r\n", "am.yml");
        Assert.Equal(TimeSpan.FromMinutes(5), config.Global.ResolveTimeout);
        Assert.Equal("localhost", config.Global.DefaultsOf<EmailDefaults>()!.Hello);
        Assert.True(config.Global.DefaultsOf<EmailDefaults>()!.RequireTls);
        Assert.True(config.Global.HttpConfig.FollowRedirects);
        Assert.True(config.Global.HttpConfig.EnableHttp2);
        Assert.Null(config.RootRoute.GroupBy);
        Assert.Null(config.RootRoute.GroupWait);
        Assert.Empty(config.InhibitRules);
        Assert.Empty(config.TimeIntervals);
        Assert.Empty(config.Templates);
        Assert.Empty(config.Warnings);
        Assert.Same(ServerConfig.Default, config.Server);
        Assert.True(config.Server.Auth.Read.IsOpen);
        Assert.True(config.Server.Auth.Send.IsOpen);
        Assert.Equal(5 * 1024 * 1024, config.Server.Limits.MaxBodyBytes);
        Assert.Equal(10_000, config.Server.Limits.MaxAlertsPerRequest);
        Assert.Equal(256, config.Server.Limits.MaxLabelNameLength);
        Assert.Equal(16_384, config.Server.Limits.MaxLabelValueLength);
    }

    [Fact]
    public void Integration_defaults_match_alertmanager()
    {
        var config = TestConfig.Load("""
            global:
              smtp_smarthost: 'localhost:25'
              smtp_from: 'am@example.org'
              slack_api_url_file: /etc/slack-url
            route:
              receiver: r
            receivers:
              - name: r
                webhook_configs: [{url: 'http://x.example/'}]
                email_configs: [{to: 'a@example.org'}]
                slack_configs: [{channel: '#c'}]
                dingtalk_configs: [{url_file: /etc/dingtalk-url}]
            """, "am.yml");
        var r = config.Receivers[0];
        Assert.True(r.Integrations<WebhookConfig>()[0].SendResolved);
        Assert.Equal(0, r.Integrations<WebhookConfig>()[0].MaxAlerts);
        Assert.Null(r.Integrations<WebhookConfig>()[0].Timeout);
        Assert.False(r.Integrations<EmailConfig>()[0].SendResolved);
        Assert.True(r.Integrations<EmailConfig>()[0].RequireTls);
        Assert.Equal("localhost", r.Integrations<EmailConfig>()[0].Hello);
        Assert.False(r.Integrations<SlackConfig>()[0].SendResolved);
        Assert.Null(r.Integrations<SlackConfig>()[0].ApiUrl);
        Assert.Equal("/etc/slack-url", r.Integrations<SlackConfig>()[0].ApiUrlFile);
        Assert.True(r.Integrations<DingTalkConfig>()[0].SendResolved);
        Assert.Equal(DingTalkMessageType.Markdown, r.Integrations<DingTalkConfig>()[0].MessageType);
        Assert.Equal("/etc/dingtalk-url", r.Integrations<DingTalkConfig>()[0].UrlFile);
    }

    [Fact]
    public void Yaml_anchors_and_merge_keys_are_supported()
    {
        var config = TestConfig.Load("""
            route:
              receiver: a
              routes:
                - &common
                  receiver: b
                  group_wait: 1m
                - <<: *common
                  matchers: [x="y"]
            receivers:
              - name: a
              - name: b
            """, "am.yml");
        Assert.Equal(TimeSpan.FromMinutes(1), config.RootRoute.Routes[1].GroupWait);
        Assert.Equal("b", config.RootRoute.Routes[1].Receiver);
        Assert.Equal("{x=\"y\"}", config.RootRoute.Routes[1].Matchers.ToString());
    }

    [Fact]
    public void Legacy_mute_time_intervals_and_time_intervals_share_one_namespace()
    {
        var config = TestConfig.Load("""
            route:
              receiver: r
              routes:
                - receiver: r
                  mute_time_intervals: [old]
                  active_time_intervals: [new]
            receivers:
              - name: r
            mute_time_intervals:
              - name: old
                time_intervals: [{weekdays: [monday]}]
            time_intervals:
              - name: new
                time_intervals: [{years: ['2030']}]
            """, "am.yml");
        Assert.Equal(["old", "new"], config.TimeIntervals.Select(t => t.Name));
    }

    [Fact]
    public void LoadFile_resolves_relative_paths_and_names_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("alerting-config-");
        try
        {
            File.WriteAllText(Path.Join(dir.FullName, "default.tmpl"), "{{ define \"x\" }}{{ end }}");
            var path = Path.Join(dir.FullName, "alertmanager.yml");
            File.WriteAllText(path, """
                templates: ['default.tmpl', 'missing.tmpl', 'more/*.tmpl']
                route:
                  receiver: r
                receivers:
                  - name: r
                    webhook_configs:
                      - url_file: secrets/url
                """);
            var config = TestConfig.LoadFile(path);
            Assert.Equal(path, config.FileName);
            Assert.Equal(
                [Path.Join(dir.FullName, "default.tmpl"), Path.Join(dir.FullName, "missing.tmpl"), Path.Join(dir.FullName, "more/*.tmpl")],
                config.Templates);
            Assert.Equal(Path.Join(dir.FullName, "secrets/url"), config.Receivers[0].Integrations<WebhookConfig>()[0].UrlFile);
            var warning = Assert.Single(config.Warnings);
            Assert.Contains("missing.tmpl does not exist", warning, StringComparison.Ordinal);
            Assert.StartsWith($"{path}:1: templates:", warning, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadFile_of_missing_file_throws_config_exception()
    {
        var path = Path.Join(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.yml");
        var e = Assert.Throws<ConfigException>(() => TestConfig.LoadFile(path));
        Assert.Equal(path + ": cannot read configuration: file not found", e.Message);
    }

    [Fact]
    public void Load_without_a_file_does_not_resolve_paths()
    {
        var config = TestConfig.Load("templates: ['x.tmpl']\nroute:\n  receiver: r\nreceivers:\n  - name: r\n", "am.yml");
        Assert.Equal(["x.tmpl"], config.Templates);
        Assert.Empty(config.Warnings);
    }
}
