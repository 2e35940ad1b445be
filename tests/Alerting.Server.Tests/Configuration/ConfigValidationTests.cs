using Alerting.Channels.Webhook;
using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Configuration;

/// <summary>Alertmanager's validation rules, each with the exact message, line and field we report.</summary>
public sealed class ConfigValidationTests
{
    private static ConfigException Fails(string yaml) =>
        Assert.Throws<ConfigException>(() => TestConfig.Load(yaml, "alerting.yml"));

    private static void FailsWith(string yaml, string expected)
    {
        var e = Fails(yaml);
        Assert.Contains(expected, e.Errors.Select(x => x.ToString()));
    }

    [Fact]
    public void Undefined_route_receiver_names_file_line_and_field()
    {
        var e = Fails("""
            route:
              receiver: default
              routes:
                - receiver: a
                - receiver: a
                - receiver: ops
            receivers:
              - name: default
              - name: a
            """);
        var error = Assert.Single(e.Errors);
        Assert.Equal("alerting.yml:6: route.routes[2].receiver: receiver \"ops\" is not defined", error.ToString());
        Assert.Equal(new ConfigError("alerting.yml", 6, "route.routes[2].receiver", "receiver \"ops\" is not defined"), error);
        Assert.Equal(error.ToString(), e.Message);
    }

    [Fact]
    public void Several_errors_are_collected_in_file_order()
    {
        var e = Fails("""
            route:
              receiver: nope
              group_interval: 0s
            receivers:
              - name: r
              - name: r
            """);
        Assert.Equal(
            [
                "alerting.yml:2: route.receiver: receiver \"nope\" is not defined",
                "alerting.yml:3: route.group_interval: group_interval cannot be zero",
                "alerting.yml:6: receivers[1].name: notification config name \"r\" is not unique",
            ],
            e.Errors.Select(x => x.ToString()));
        Assert.Equal(string.Join('\n', e.Errors), e.Message);
    }

    [Fact]
    public void Receiver_names_must_be_non_empty() =>
        FailsWith("route:\n  receiver: r\nreceivers:\n  - name: r\n  - webhook_configs: [{url: 'http://x.example'}]\n",
            "alerting.yml:5: receivers[1].name: missing name in receiver");

    [Fact]
    public void Receiver_names_must_be_unique() =>
        FailsWith("route:\n  receiver: r\nreceivers:\n  - name: r\n  - name: r\n",
            "alerting.yml:5: receivers[1].name: notification config name \"r\" is not unique");

    [Fact]
    public void Root_route_must_have_a_receiver() =>
        FailsWith("route:\n  group_by: [a]\nreceivers:\n  - name: r\n",
            "alerting.yml:2: route: root route must specify a default receiver");

    [Fact]
    public void Missing_route_is_an_error()
    {
        FailsWith("receivers:\n  - name: r\n", "alerting.yml:1: route: no route provided in config");
        Assert.Equal("alerting.yml:1: no route provided in config", Fails("").Message);
        Assert.Equal("alerting.yml:1: no route provided in config", Fails("# only a comment\n").Message);
    }

    [Theory]
    [InlineData("matchers: ['a=\"b\"']", "route.matchers")]
    [InlineData("match: {a: b}", "route.match")]
    [InlineData("match_re: {a: b.*}", "route.match_re")]
    public void Root_route_must_not_have_matchers(string matcherLine, string field) =>
        FailsWith($"route:\n  receiver: r\n  {matcherLine}\nreceivers:\n  - name: r\n",
            $"alerting.yml:3: {field}: root route must not have any matchers");

    [Fact]
    public void Root_route_must_not_continue() =>
        FailsWith("route:\n  receiver: r\n  continue: true\nreceivers:\n  - name: r\n",
            "alerting.yml:3: route.continue: cannot have continue in root route");

    [Fact]
    public void Root_route_must_not_have_time_intervals()
    {
        const string intervals = "time_intervals:\n  - name: t\n    time_intervals: [{weekdays: [monday]}]\n";
        FailsWith("route:\n  receiver: r\n  mute_time_intervals: [t]\nreceivers:\n  - name: r\n" + intervals,
            "alerting.yml:3: route.mute_time_intervals: root route must not have any mute time intervals");
        FailsWith("route:\n  receiver: r\n  active_time_intervals: [t]\nreceivers:\n  - name: r\n" + intervals,
            "alerting.yml:3: route.active_time_intervals: root route must not have any active time intervals");
    }

    [Fact]
    public void Referenced_time_intervals_must_exist()
    {
        var e = Fails("""
            route:
              receiver: r
              routes:
                - mute_time_intervals: [known, unknown]
                - active_time_intervals: [other]
            receivers:
              - name: r
            time_intervals:
              - name: known
                time_intervals: [{weekdays: [monday]}]
            """);
        Assert.Equal(
            [
                "alerting.yml:4: route.routes[0].mute_time_intervals[1]: time interval \"unknown\" is not defined",
                "alerting.yml:5: route.routes[1].active_time_intervals[0]: time interval \"other\" is not defined",
            ],
            e.Errors.Select(x => x.ToString()));
    }

    [Fact]
    public void Time_interval_names_must_be_unique_across_both_keys()
    {
        FailsWith("""
            route:
              receiver: r
            receivers:
              - name: r
            mute_time_intervals:
              - name: t
                time_intervals: []
            time_intervals:
              - name: t
                time_intervals: []
            """, "alerting.yml:9: time_intervals[0].name: time interval \"t\" is not unique");
        FailsWith("""
            route:
              receiver: r
            receivers:
              - name: r
            time_intervals:
              - time_intervals: []
            """, "alerting.yml:6: time_intervals[0].name: missing name in time interval");
    }

    [Theory]
    [InlineData("group_interval: 0s", "route.routes[0].group_interval: group_interval cannot be zero")]
    [InlineData("repeat_interval: 0", "route.routes[0].repeat_interval: repeat_interval cannot be zero")]
    [InlineData("group_wait: 5x", "route.routes[0].group_wait: not a valid duration string: \"5x\"")]
    [InlineData("group_by: ['...', alertname]", "route.routes[0].group_by: cannot have wildcard group_by (`...`) and other labels at the same time")]
    [InlineData("group_by: ['']", "route.routes[0].group_by: invalid label name \"\" in group_by list")]
    [InlineData("group_by: [a, a]", "route.routes[0].group_by: duplicated label \"a\" in group_by")]
    [InlineData("match: {'bad-name': x}", "route.routes[0].match.bad-name: invalid label name \"bad-name\"")]
    [InlineData("matchers: ['foo=\"unterminated']", "route.routes[0].matchers[0]: matcher value contains unescaped double quote: \"unterminated")]
    [InlineData("matchers: ['=nothing']", "route.routes[0].matchers[0]: bad matcher format: =nothing")]
    [InlineData("match_re: {a: '(unclosed'}", "route.routes[0].match_re.a: invalid regular expression")]
    [InlineData("match_re: {invalid_label: }", "route.routes[0].match_re.invalid_label: invalid regexp value for \"invalid_label\"")]
    [InlineData("continue: maybe", "route.routes[0].continue: expected true or false, got \"maybe\"")]
    [InlineData("recevier: r", "route.routes[0].recevier: field recevier not found (unknown field; did you mean receiver?)")]
    public void Child_route_rules(string line, string expected)
    {
        var e = Fails($"route:\n  receiver: r\n  routes:\n    - {line}\nreceivers:\n  - name: r\n");
        var error = Assert.Single(e.Errors);
        Assert.Equal(4, error.Line);
        Assert.StartsWith("alerting.yml:4: " + expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Group_by_wildcard_alone_is_valid()
    {
        var config = TestConfig.Load("route:\n  receiver: r\n  group_by: ['...']\nreceivers:\n  - name: r\n", "a.yml");
        Assert.True(config.RootRoute.GroupByAll);
    }

    [Theory]
    [InlineData("source_matchers: ['a=~\"(\"']", "inhibit_rules[0].source_matchers[0]: invalid regular expression")]
    [InlineData("target_match_re: {a: '['}", "inhibit_rules[0].target_match_re.a: invalid regular expression")]
    [InlineData("source_match_re: {s: }", "inhibit_rules[0].source_match_re.s: invalid regexp value for \"s\"")]
    [InlineData("target_match_re: {t: ~}", "inhibit_rules[0].target_match_re.t: invalid regexp value for \"t\"")]
    [InlineData("source_match: {'1a': x}", "inhibit_rules[0].source_match.1a: invalid label name \"1a\"")]
    [InlineData("equal: ['']", "inhibit_rules[0].equal: invalid label name \"\" in equal list")]
    [InlineData("target_matcher: [a=b]", "inhibit_rules[0].target_matcher: field target_matcher not found (unknown field; did you mean target_matchers?)")]
    public void Inhibit_rule_rules(string line, string expected)
    {
        var e = Fails($"route:\n  receiver: r\nreceivers:\n  - name: r\ninhibit_rules:\n  - {line}\n");
        Assert.StartsWith("alerting.yml:6: " + expected, Assert.Single(e.Errors).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("webhook_configs: [{send_resolved: true}]", "receivers[0].webhook_configs[0]: one of url or url_file must be configured")]
    [InlineData("webhook_configs: [{url: 'http://a.example', url_file: /x}]", "receivers[0].webhook_configs[0].url_file: at most one of url & url_file must be configured")]
    [InlineData("webhook_configs: [{url: 'ftp://a.example'}]", "receivers[0].webhook_configs[0].url: unsupported scheme \"ftp\" for URL")]
    [InlineData("webhook_configs: [{url: 'http://'}]", "receivers[0].webhook_configs[0].url: missing host for URL")]
    [InlineData("webhook_configs: [{url: 'http://a.example', max_alerts: -1}]", "receivers[0].webhook_configs[0].max_alerts: must be at least 0")]
    [InlineData("email_configs: [{to: a@b.example}]", "receivers[0].email_configs[0]: no global SMTP smarthost set")]
    [InlineData("email_configs: [{to: a@b.example, smarthost: 'h:25'}]", "receivers[0].email_configs[0]: no global SMTP from set")]
    [InlineData("email_configs: [{from: a@b.example, smarthost: 'h:25'}]", "receivers[0].email_configs[0].to: missing to address in email config")]
    [InlineData("email_configs: [{to: a, from: b, smarthost: 'h'}]", "receivers[0].email_configs[0].smarthost: address h: missing port in address")]
    [InlineData("email_configs: [{to: a, from: b, smarthost: 'h:'}]", "receivers[0].email_configs[0].smarthost: address \"h:\": port cannot be empty")]
    [InlineData("email_configs: [{to: a, from: b, smarthost: 'h:1', headers: {subject: x, Subject: y}}]", "receivers[0].email_configs[0].headers.Subject: duplicate header \"Subject\" in email config")]
    [InlineData("slack_configs: [{channel: x}]", "receivers[0].slack_configs[0]: no global Slack API URL set either inline or in a file")]
    [InlineData("slack_configs: [{api_url: 'https://s.example/x', fields: [{title: t}]}]", "receivers[0].slack_configs[0].fields[0].value: missing value in Slack field configuration")]
    [InlineData("slack_configs: [{api_url: 'https://s.example/x', actions: [{type: button, text: t}]}]", "receivers[0].slack_configs[0].actions[0]: missing name or url in Slack action configuration")]
    [InlineData("slack_configs: [{api_url: 'not a url'}]", "receivers[0].slack_configs[0].api_url: unsupported scheme \"\" for URL")]
    [InlineData("dingtalk_configs: [{secret: s}]", "receivers[0].dingtalk_configs[0]: one of url or url_file must be configured")]
    [InlineData("dingtalk_configs: [{url: 'https://d.example', message_type: text}]", "receivers[0].dingtalk_configs[0].message_type: unknown message_type \"text\" (want markdown or actionCard)")]
    [InlineData("webhook_configs: [{url: 'http://a.example', http_config: {bearer_token: a, basic_auth: {username: u}}}]", "receivers[0].webhook_configs[0].http_config: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured")]
    [InlineData("webhook_configs: [{url: 'http://a.example', http_config: {authorization: {type: Basic, credentials: c}}}]", "receivers[0].webhook_configs[0].http_config.authorization.type: authorization type cannot be set to \"basic\", use \"basic_auth\" instead")]
    [InlineData("webhook_configs: [{url: 'http://a.example', http_config: {tls_config: {ca: x}}}]", "receivers[0].webhook_configs[0].http_config.tls_config.ca: field ca not found (unknown field")]
    [InlineData("webhook_configs: [{url: 'http://a.example', http_config: {proxy_url: 'http://a b'}}]", "receivers[0].webhook_configs[0].http_config.proxy_url: parse \"http://a b\": invalid character \" \" in host name")]
    [InlineData("webhook_configs: [{url: 'http://a.example', http_config: {no_proxy: x}}]", "receivers[0].webhook_configs[0].http_config.no_proxy: field no_proxy not found (unknown field")]
    [InlineData("webhook_configs: [{url: 'http://a.example', http_config: {proxy_connect_header: {a: [b]}}}]", "receivers[0].webhook_configs[0].http_config.proxy_connect_header: if proxy_connect_header is configured proxy_url must also be configured")]
    [InlineData("webhook_configs: [{url: 'http://a.example', http_config: {oauth2: {client_id: c, token_url: 'http://t.example'}}}]", "receivers[0].webhook_configs[0].http_config.oauth2: either oauth2 client_secret or client_secret_file must be configured")]
    [InlineData("webhook_configs: [{url: 'http://a.example', urls: x}]", "receivers[0].webhook_configs[0].urls: field urls not found (unknown field; did you mean url?)")]
    [InlineData("foo_configs: []", "receivers[0].foo_configs: field foo_configs not found (unknown field)")]
    public void Receiver_rules(string line, string expected)
    {
        var e = Fails($"route:\n  receiver: r\nreceivers:\n  - name: r\n    {line}\n");
        // Alertmanager stops at its first error; we collect them all, the expected one first.
        Assert.StartsWith("alerting.yml:5: " + expected, e.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Email_without_globals_reports_both_missing_defaults()
    {
        var e = Fails("route:\n  receiver: r\nreceivers:\n  - name: r\n    email_configs: [{to: a@b.example}]\n");
        Assert.Equal(["no global SMTP smarthost set", "no global SMTP from set"], e.Errors.Select(x => x.Message));
    }

    [Fact]
    public void Half_a_client_certificate_is_a_warning_not_an_error()
    {
        var config = TestConfig.Load("route:\n  receiver: r\nreceivers:\n  - name: r\n    webhook_configs: [{url: 'http://a.example', http_config: {tls_config: {cert_file: c}}}]\n", "alerting.yml");
        Assert.Equal(
            "alerting.yml:5: receivers[0].webhook_configs[0].http_config.tls_config: cert_file is set without key_file: client certificate authentication will fail",
            Assert.Single(config.Warnings));
        Assert.Equal("c", config.Receivers[0].Integrations<WebhookConfig>()[0].HttpConfig.TlsConfig!.CertFile);
    }

    [Fact]
    public void Secret_urls_are_not_echoed_in_errors()
    {
        var e = Fails("route:\n  receiver: r\nreceivers:\n  - name: r\n    slack_configs: [{api_url: 'hooks.slack.com/T0/SECRETPART'}]\n");
        Assert.DoesNotContain("SECRETPART", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slack_configs: [{api_url: ''}]", "api_url")]
    [InlineData("dingtalk_configs: [{url: ''}]", "url")]
    [InlineData("webhook_configs: [{url: ''}]", "url")]
    [InlineData("webhook_configs: [{url: 'http://u:TOKENPART@bad host/?token=TOKENPART'}]", "url")]
    public void Empty_or_broken_secret_urls_are_config_errors_that_do_not_echo_them(string line, string field)
    {
        // Found by the config fuzz test: an empty secret URL threw ArgumentException instead of a config error.
        var e = Fails($"route:\n  receiver: r\nreceivers:\n  - name: r\n    {line}\n");
        Assert.Contains(e.Errors, x => x.Field.EndsWith(field, StringComparison.Ordinal));
        Assert.DoesNotContain("TOKENPART", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("resolve_timeout: 1x", "global.resolve_timeout: not a valid duration string: \"1x\"")]
    [InlineData("smtp_require_tls: 'true'", "global.smtp_require_tls: expected true or false, got \"true\"")]
    [InlineData("slack_api_url: 'https://a.example/x'\n  slack_api_url_file: /x", "global.slack_api_url_file: at most one of slack_api_url & slack_api_url_file must be configured")]
    [InlineData("language: 'not a language'", "global.language: invalid language tag \"not a language\" (want e.g. en or zh-CN)")]
    [InlineData("smtp_host: x", "global.smtp_host: field smtp_host not found (unknown field")]
    [InlineData("smtp_frm: x", "global.smtp_frm: field smtp_frm not found (unknown field; did you mean smtp_from?)")]
    [InlineData("pagerduty_url: nope", "global.pagerduty_url: unsupported scheme \"\" for URL")]
    [InlineData("smtp_tls_config: {}", "global.smtp_tls_config: field smtp_tls_config not found (unknown field")]
    public void Global_rules(string line, string expected)
    {
        var e = Fails($"global:\n  {line}\nroute:\n  receiver: r\nreceivers:\n  - name: r\n");
        var error = Assert.Single(e.Errors);
        Assert.StartsWith(expected, $"{error.Field}: {error.Message}", StringComparison.Ordinal);
        Assert.InRange(error.Line, 2, 3);
    }

    [Theory]
    [InlineData("times: [{start_time: '10:00'}]", "both start and end times must be provided")]
    [InlineData("times: [{start_time: '10:00', end_time: '09:00'}]", "start time cannot be equal or greater than end time")]
    [InlineData("times: [{start_time: '25:00', end_time: '26:00'}]", "couldn't parse timestamp 25:00, invalid format")]
    [InlineData("weekdays: ['friday:monday']", "start day cannot be before end day")]
    [InlineData("weekdays: ['funday']", "funday is not a valid weekday")]
    [InlineData("days_of_month: ['0']", "0 is not a valid day of the month: out of range")]
    [InlineData("days_of_month: ['-3:5']", "end day must be negative if start day is negative")]
    [InlineData("days_of_month: ['10:1']", "end day 1 is always before start day 10")]
    [InlineData("months: ['march:january']", "end month january is before start month march")]
    [InlineData("months: ['smarch']", "smarch is not a valid month")]
    [InlineData("months: ['13']", "13 is not a valid month: out of range")]
    [InlineData("years: ['2022:2020']", "end year 2020 is before start year 2022")]
    [InlineData("location: 'Mars/Olympus_Mons'", "unknown time zone Mars/Olympus_Mons")]
    [InlineData("weekday: [monday]", "field weekday not found (unknown field; did you mean weekdays?)")]
    public void Time_interval_rules(string line, string expected)
    {
        var e = Fails($"route:\n  receiver: r\nreceivers:\n  - name: r\ntime_intervals:\n  - name: t\n    time_intervals:\n      - {line}\n");
        var error = Assert.Single(e.Errors);
        Assert.Equal(8, error.Line);
        Assert.StartsWith("time_intervals[0].time_intervals[0]", error.Field, StringComparison.Ordinal);
        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("auth: {read: {bearer_tokens: ['']}}", "server.auth.read.bearer_tokens: bearer tokens must not be empty")]
    [InlineData("auth: {write: {basic: [{username: u}]}}", "server.auth.write.basic[0].password: missing password")]
    [InlineData("limits: {max_body_bytes: 0}", "server.limits.max_body_bytes: must be at least 1")]
    [InlineData("limits: {ingest_requests_per_second: -1}", "server.limits.ingest_requests_per_second: must be between 0 and 1000000")]
    [InlineData("limits: {ingest_burst: 0}", "server.limits.ingest_burst: must be between 1 and 2000000")]
    [InlineData("limits: {ingest_concurrency: x}", "server.limits.ingest_concurrency:")]
    [InlineData("auth: {send: {bearer_tokens: ['']}}", "server.auth.send.bearer_tokens: bearer tokens must not be empty")]
    [InlineData("grafana: {sources: [{name: g}]}", "server.grafana.sources[0]: one of bearer_token(_file), basic_auth or hmac_secret(_file) must be configured")]
    [InlineData("grafana: {sources: [{name: g, bearer_token: a}, {name: g, bearer_token: b}]}", "server.grafana.sources[1].name: grafana source \"g\" is not unique")]
    [InlineData("listen: ':9093'", "server.listen: field listen not found (unknown field)")]
    public void Server_rules(string line, string expected)
    {
        var e = Fails($"route:\n  receiver: r\nreceivers:\n  - name: r\nserver:\n  {line}\n");
        Assert.StartsWith("alerting.yml:6: " + expected, Assert.Single(e.Errors).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("foo: bar\n", "alerting.yml:1: foo: field foo not found (unknown field)")]
    [InlineData("route: [a]\n", "alerting.yml:1: route: expected a mapping, got a list")]
    [InlineData("receivers: {name: r}\n", "alerting.yml:1: receivers: expected a list, got a mapping")]
    [InlineData("route:\n  receiver: r\n  receiver: s\n", "alerting.yml:3: invalid YAML: Duplicate key receiver")]
    public void Structural_errors(string yaml, string expected)
    {
        var e = Fails(yaml);
        Assert.Contains(expected, e.Errors.Select(x => x.ToString()));
    }

    [Fact]
    public void Malformed_yaml_reports_a_line()
    {
        var e = Fails("route:\n  receiver: r\n  routes: [\nreceivers: x\n");
        var error = Assert.Single(e.Errors);
        Assert.Equal("alerting.yml", error.File);
        Assert.InRange(error.Line, 3, 5);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_integration_is_left_unsupported()
    {
        var config = TestConfig.Load("""
            route:
              receiver: r
            receivers:
              - name: r
                jira_configs: [{api_url: 'https://j.example/rest/api/2', project: x, issue_type: Bug}]
                rocketchat_configs: [{token: t, token_id: i}]
                mattermost_configs: [{webhook_url: 'http://m.example/hooks/x'}]
                incidentio_configs: [{url: 'http://i.example'}]
            """, "alerting.yml");
        Assert.Empty(config.Warnings);
        Assert.Equal(["jira", "incidentio", "rocketchat", "mattermost"], config.Receivers[0].Integrations.Select(i => i.Kind));
    }
}
