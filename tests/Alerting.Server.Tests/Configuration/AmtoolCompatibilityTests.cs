using System.Diagnostics;
using Alerting.Core.Configuration;
using Alerting.Core.Matching;
using Alerting.Infrastructure;

namespace Alerting.Configuration;

/// <summary>
/// Checks against the real Alertmanager 0.25 parser (amtool from Debian's prometheus-alertmanager):
/// our masked output must load there, and we must accept and refuse what it accepts and refuses.
/// Skipped locally without amtool; under CI=true a missing amtool fails instead.
/// </summary>
public sealed class AmtoolCompatibilityTests
{
    [AmtoolFact]
    public void Plain_sample_is_valid_for_alertmanager() => AssertAmtool(SampleConfigs.PlainAlertmanager, valid: true);

    [AmtoolFact]
    public void Masked_yaml_of_a_plain_config_loads_in_alertmanager()
    {
        var config = TestConfig.Load(SampleConfigs.PlainAlertmanager, "plain.yml");
        Assert.Contains("<secret>", config.MaskedYaml, StringComparison.Ordinal);
        AssertAmtool(config.MaskedYaml, valid: true);
    }

    private const string R = "route:\n  receiver: r\nreceivers:\n- name: r\n";

    public static TheoryData<string, bool> Cases => new()
    {
        { R, true },
        { R + "- name: ''\n", false },
        { "route:\n  group_by: [a]\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  continue: true\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  routes:\n  - repeat_interval: 0s\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  routes:\n  - group_wait: 0s\nreceivers:\n- name: r\n", true },
        { "route:\n  receiver: r\n  routes:\n  - group_by: ['...', a]\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  routes:\n  - group_by: [a, a]\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  routes:\n  - receiver: x\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  routes:\n  - mute_time_intervals: [x]\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  match: {a: b}\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  routes:\n  - match_re: {a: '(b'}\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  routes:\n  - matchers: ['a=\"b\", c=~\"d\"']\nreceivers:\n- name: r\n", true },
        { "route:\n  receiver: r\n  routes:\n  - match_re: {a: }\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  routes:\n  - match_re: {a: ~}\nreceivers:\n- name: r\n", false },
        { "route:\n  receiver: r\n  routes:\n  - match_re: {a: ''}\nreceivers:\n- name: r\n", true },
        { "route:\n  receiver: r\n  routes:\n  - match: {a: }\nreceivers:\n- name: r\n", true },
        { R + "inhibit_rules:\n- source_match_re: {a: }\n", false },
        { R + "inhibit_rules:\n- target_match_re: {a: null}\n", false },
        { R + "  webhook_configs:\n  - send_resolved: true\n", false },
        { R + "  webhook_configs:\n  - url: ftp://x\n", false },
        { R + "  email_configs:\n  - to: a\n", false },
        { R + "  email_configs:\n  - to: a\n    from: b\n    smarthost: h\n", false },
        { R + "  email_configs:\n  - to: a\n    from: b\n    smarthost: 'h:1'\n    auth_password_file: /x\n", true },
        { R + "  slack_configs:\n  - channel: x\n", false },
        { R + "  slack_configs:\n  - api_url: '<secret>'\n", true },
        { R + "  pagerduty_configs:\n  - routing_key: k\n", true },
        { R + "  webhook_configs:\n  - url: 'http://<secret>/'\n", true },
        { R + "  webhook_configs:\n  - url: http://x\n    http_config: {no_proxy: x}\n", false },
        { R + "  webhook_configs:\n  - url: http://x\n    http_config: {proxy_url: foo}\n", true },
        { R + "  webhook_configs:\n  - url: http://x\n    http_config: {proxy_url: 'http://a b'}\n", false },
        { R + "  webhook_configs:\n  - url: http://x\n    http_config: {proxy_url: ':x'}\n", false },
        { R + "  webhook_configs:\n  - url: http://x\n    http_config: {tls_config: {ca: x}}\n", false },
        { R + "  webhook_configs:\n  - url: http://x\n    http_config: {tls_config: {cert_file: c}}\n", true },
        { R + "  webhook_configs:\n  - url: http://x\n    http_config: {bearer_token: a, basic_auth: {username: u}}\n", false },
        { R + "inhibit_rules:\n- equal: ['not valid']\n", false },
        { R + "inhibit_rules:\n- name: x\n", false },
        { R + "time_intervals:\n- name: t\n  time_intervals:\n  - weekdays: ['saturday:sunday']\n", false },
        { R + "time_intervals:\n- name: t\n  time_intervals:\n  - location: Asia/Shanghai\n    days_of_month: ['-7:-1']\n", true },
        { R + "time_intervals:\n- name: t\n  time_intervals: []\nmute_time_intervals:\n- name: t\n  time_intervals: []\n", false },
        { "global:\n  smtp_require_tls: 'true'\n" + R, false },
        { "global:\n  smtp_tls_config: {}\n" + R, false },
        { "global:\n  smtp_auth_password_file: /x\n  slack_api_url_file: /y\n" + R, true },
        { "route:\n", false },
        { "", false },
    };

    [AmtoolTheory]
    [MemberData(nameof(Cases))]
    public void We_accept_and_refuse_what_alertmanager_does(string yaml, bool valid)
    {
        AssertAmtool(yaml, valid);
        // amtool 0.25 knows only classic label names and matchers: Alertmanager's classic-mode.
        var ours = Record.Exception(() => TestConfig.Load(yaml, "case.yml", new MatcherSyntax(MatcherMode.Classic)));
        if (valid)
        {
            Assert.Null(ours);
        }
        else
        {
            Assert.IsType<ConfigException>(ours);
        }
    }

    private static void AssertAmtool(string yaml, bool valid)
    {
        var path = Path.Join(Path.GetTempPath(), $"amtool-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, yaml);
        try
        {
            var psi = new ProcessStartInfo(Amtool.Require(), ["check-config", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "amtool did not finish");
            var text = output.Result + error.Result;
            Assert.True(valid == (process.ExitCode == 0), $"amtool exit {process.ExitCode} for:\n{yaml}\n{text}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}

internal static class Amtool
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "amtool"))
            .FirstOrDefault(File.Exists);

    public static string Require() =>
        Find() ?? throw new InvalidOperationException("amtool is required but not installed (apt-get install prometheus-alertmanager)");

    public const string SkipReason = "amtool is not installed (apt-get install prometheus-alertmanager); CI=true makes this a failure";
}

[AttributeUsage(AttributeTargets.Method)]
internal sealed class AmtoolFactAttribute : FactAttribute
{
    public AmtoolFactAttribute()
    {
        if (Amtool.Find() is null && !Amtool.InCi)
        {
            Skip = Amtool.SkipReason;
        }
    }
}

[AttributeUsage(AttributeTargets.Method)]
internal sealed class AmtoolTheoryAttribute : TheoryAttribute
{
    public AmtoolTheoryAttribute()
    {
        if (Amtool.Find() is null && !Amtool.InCi)
        {
            Skip = Amtool.SkipReason;
        }
    }
}
