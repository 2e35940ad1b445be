using Alerting.Channels.Http;

namespace Alerting.Channels.Jira;

public sealed class JiraConfigTests
{
    private const string Minimal = "project: OPS, issue_type: Bug";

    [Fact]
    public void Defaults_are_Alertmanagers_and_the_global_url_applies()
    {
        var config = AlertSamples.Single<JiraConfig>($"    jira_configs:\n      - {{{Minimal}}}\n", "  jira_api_url: 'https://acme.atlassian.net/rest/api/2/'");
        Assert.Equal("https://acme.atlassian.net/rest/api/2/", config.ApiUrl);
        Assert.True(config.SendResolved);
        Assert.Equal("auto", config.ApiType);
        Assert.Equal(new JiraFieldConfig("""{{ template "jira.default.summary" . }}""", null), config.Summary);
        Assert.Equal(new JiraFieldConfig("""{{ template "jira.default.description" . }}""", null), config.Description);
        Assert.Equal("""{{ template "jira.default.priority" . }}""", config.Priority);
        Assert.True(config.Summary.UpdateEnabled);
    }

    [Fact]
    public void Summary_and_description_take_a_string_or_a_template_with_enable_update()
    {
        var config = AlertSamples.Single<JiraConfig>("""
                jira_configs:
                  - api_url: 'https://jira.example/rest/api/2'
                    project: OPS
                    issue_type: Bug
                    summary: {enable_update: false}
                    description: {template: 'D', enable_update: true}
                    priority:
                    labels: [a, b]
                    reopen_duration: 1h
                    api_type: datacenter
            """);
        Assert.Equal(new JiraFieldConfig("""{{ template "jira.default.summary" . }}""", false), config.Summary);
        Assert.Equal(new JiraFieldConfig("D", true), config.Description);
        Assert.Equal("", config.Priority); // null zeroes it, as yaml.v2 does: no priority is sent
        Assert.Equal(["a", "b"], config.Labels);
        Assert.Equal(TimeSpan.FromHours(1), config.ReopenDuration);
        Assert.Equal("datacenter", config.ApiType);
    }

    [Theory]
    [InlineData("- {" + Minimal + "}", "alerting.yml:6: receivers[0].jira_configs[0]: no global Jira Cloud URL set")]
    [InlineData("- {api_url: 'https://j.example', issue_type: Bug}", "alerting.yml:6: receivers[0].jira_configs[0].project: missing project in jira_config")]
    [InlineData("- {api_url: 'https://j.example', project: OPS}", "alerting.yml:6: receivers[0].jira_configs[0].issue_type: missing issue_type in jira_config")]
    [InlineData("- {api_url: 'https://j.example', " + Minimal + ", api_type: server}", "alerting.yml:6: receivers[0].jira_configs[0].api_type: unknown api_type on jira_config, must be auto, cloud or datacenter")]
    [InlineData("- {api_url: 'jira.example', " + Minimal + "}", "alerting.yml:6: receivers[0].jira_configs[0].api_url: unsupported scheme \"\" for URL")]
    [InlineData("- {api_url: 'https://j.example', " + Minimal + ", reopen_duration: 5x}", "alerting.yml:6: receivers[0].jira_configs[0].reopen_duration: not a valid duration string: \"5x\"")]
    [InlineData("- {api_url: 'https://j.example', " + Minimal + ", summary: {template: s, update: false}}", "alerting.yml:6: receivers[0].jira_configs[0].summary.update: field update not found (unknown field")]
    [InlineData("- {api_url: 'https://j.example', " + Minimal + ", fields: [a]}", "alerting.yml:6: receivers[0].jira_configs[0].fields: expected a mapping, got a list")]
    [InlineData("- {api_url: 'https://j.example', " + Minimal + ", custom_fields: {a: b}}", "alerting.yml:6: receivers[0].jira_configs[0].custom_fields: field custom_fields not found (unknown field)")]
    public void Errors_carry_file_line_and_field(string entry, string expected) =>
        Assert.StartsWith(expected, AlertSamples.Errors($"    jira_configs:\n      {entry}\n")[0], StringComparison.Ordinal);

    [Fact]
    public void Credentials_in_http_config_are_masked()
    {
        var config = AlertSamples.Load(
            "    jira_configs:\n      - {" + Minimal + ", http_config: {basic_auth: {username: bot@example.com, password: s3cr3t}}}\n",
            "  jira_api_url: 'https://acme.atlassian.net/rest/api/2'");
        Assert.DoesNotContain("s3cr3t", config.MaskedYaml, StringComparison.Ordinal);
        Assert.Contains("https://acme.atlassian.net/rest/api/2", config.MaskedYaml, StringComparison.Ordinal);
        Assert.Single(Infrastructure.TestConfig.Load(config.MaskedYaml, "masked.yml").Receivers[0].Integrations);
    }
}
