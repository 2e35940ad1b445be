using Alerting.Channels.Http;
using Alerting.GoTemplates;

namespace Alerting.Channels.Jira;

/// <summary>The pieces of Alertmanager's Jira requests that Go's libraries shape: paths, %q, JSON numbers, custom fields.</summary>
public sealed class JiraRequestsTests
{
    private static JiraConfig Config(string apiUrl, string apiType = "auto") => new() { ApiUrl = apiUrl, ApiType = apiType, Project = "P", IssueType = "Bug" };

    [Theory]
    [InlineData("https://acme.atlassian.net/rest/api/2/", "auto", "https://acme.atlassian.net/rest/api/3/search/jql")]
    [InlineData("https://acme.atlassian.net/rest/api/3", "auto", "https://acme.atlassian.net/rest/api/3/search/jql")]
    [InlineData("https://jira.example/rest/api/2", "auto", "https://jira.example/rest/api/2/search")]
    [InlineData("https://jira.example/rest/api/2/", "cloud", "https://jira.example/rest/api/3/search/jql")]
    [InlineData("https://acme.atlassian.net/rest/api/2", "datacenter", "https://acme.atlassian.net/rest/api/2/search")]
    [InlineData("https://acme.atlassian.net:443/rest/api/2", "auto", "https://acme.atlassian.net:443/rest/api/2/search")]
    public void The_search_endpoint_follows_api_type_and_host(string apiUrl, string apiType, string expected) =>
        Assert.Equal(expected, JiraRequests.SearchUrl(Config(apiUrl, apiType)));

    [Theory]
    [InlineData("https://jira.example/rest/api/3", true)]
    [InlineData("https://jira.example/rest/api/3/", true)]
    [InlineData("https://jira.example/rest/api/2", false)]
    [InlineData("https://jira.example/rest/api/33", false)]
    public void Api_v3_is_told_by_the_path(string apiUrl, bool v3) => Assert.Equal(v3, JiraRequests.IsApiV3(apiUrl));

    [Theory]
    [InlineData("OPS", "\"OPS\"")]
    [InlineData("Won't \"Fix\"", "\"Won't \\\"Fix\\\"\"")]
    [InlineData("a\\b\tc\n", "\"a\\\\b\\tc\\n\"")]
    [InlineData("é中\u0007\u007f\u00a0", "\"é中\\a\\x7f\\u00a0\"")]
    public void Jql_strings_are_quoted_as_Gos_percent_q(string value, string expected) => Assert.Equal(expected, JiraRequests.GoQuote(value));

    [Fact]
    public void Reopen_minutes_are_truncated_and_need_a_transition()
    {
        var config = Config("https://j.example") with { ReopenTransition = "Reopen", ReopenDuration = TimeSpan.FromSeconds(150) };
        Assert.StartsWith("(resolutiondate is EMPTY OR resolutiondate >= -2m) and project=\"P\"", JiraRequests.Jql(config, "P", "h", firing: true), StringComparison.Ordinal);
        Assert.StartsWith("statusCategory != Done and ", JiraRequests.Jql(config with { ReopenDuration = TimeSpan.FromSeconds(59) }, "P", "h", firing: true), StringComparison.Ordinal);
        Assert.StartsWith("statusCategory != Done and ", JiraRequests.Jql(config with { ReopenTransition = "" }, "P", "h", firing: true), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(1.5, "1.5")]
    [InlineData(-2.25, "-2.25")]
    [InlineData(1000.0, "1000")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(0.0000001, "1e-7")]
    [InlineData(1.5e-10, "1.5e-10")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(0.1, "0.1")]
    public void Floats_are_written_as_encoding_json_writes_them(double value, string expected) => Assert.Equal(expected, JiraJson.Float(value));

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("42", "42")]
    [InlineData("-7", "-7")]
    [InlineData("0x1F", "31")]
    [InlineData("010", "8")]
    [InlineData("1_000", "1000")]
    [InlineData("1.50", "1.5")]
    [InlineData("1e3", "1000")]
    [InlineData(".5", "0.5")]
    [InlineData("true", "true")]
    [InlineData("yes", "true")]
    [InlineData("Off", "false")]
    [InlineData("", "null")]
    [InlineData("~", "null")]
    [InlineData("'quoted'", "\"'quoted'\"")]
    [InlineData("Error: disk full", "{\"Error\":\"disk full\"}")]
    [InlineData("[1, two, 3.5]", "[1,\"two\",3.5]")]
    [InlineData("{b: 1, a: [x], 7: dropped}", "{\"a\":[\"x\"],\"b\":1}")]
    [InlineData("2024-01-02", "\"2024-01-02\"")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("+18446744073709551615", "18446744073709552000")]
    [InlineData("1e400", "\"1e400\"")]
    [InlineData("a <b> & c", "\"a \\u003cb\\u003e \\u0026 c\"")]
    [InlineData("@reserved", "\"@reserved\"")]
    public void Rendered_custom_fields_become_the_YAML_value_they_spell(string rendered, string json)
    {
        var value = JiraJson.Render(rendered, new TemplateExpander(GoTemplateSet.Default, AlertSamples.Data()));
        Assert.Equal(json, JiraJson.Encode(value));
    }

    [Fact]
    public void Configured_structures_keep_their_types_and_render_map_keys_and_values()
    {
        var config = AlertSamples.Single<JiraConfig>("""
                jira_configs:
                  - api_url: 'https://j.example/rest/api/2'
                    project: P
                    issue_type: Bug
                    fields:
                      customfield_1: {'x': '12', 'y': [a, 3, yes], 7: gone, nested: {k: ''}}
                      customfield_2: 2.50
                      customfield_3: !!str 5
                      customfield_4: ~
            """);
        var tmpl = new TemplateExpander(GoTemplateSet.Default, AlertSamples.Data());
        var rendered = config.Fields.ToDictionary(f => f.Key, f => JiraJson.Encode(JiraJson.Render(f.Value, tmpl)));
        Assert.Equal("""{"nested":{"k":null},"x":12,"y":["a",3,true]}""", rendered["customfield_1"]);
        Assert.Equal("2.5", rendered["customfield_2"]);
        Assert.Equal("5", rendered["customfield_3"]); // a string, rendered, then read as YAML: Alertmanager sends the number
        Assert.Equal("null", rendered["customfield_4"]);
    }

    [Fact]
    public void A_custom_field_overrides_a_standard_one_of_the_same_name()
    {
        var fields = new JiraIssueFields("s", null, "Bug", ["l"], null, "P") { Custom = new(GoJsonWriter.KeyOrder) { ["summary"] = "custom", ["Zeta"] = 1L } };
        Assert.Equal(
            """{"fields":{"Zeta":1,"issuetype":{"name":"Bug"},"labels":["l"],"project":{"key":"P"},"summary":"custom"}}""" + "\n",
            JiraRequests.IssueBody(fields));
    }

    [Fact]
    public void NaN_cannot_be_encoded() =>
        Assert.Throws<JiraJsonException>(() => JiraJson.Encode(JiraJson.Render(".nan", new TemplateExpander(GoTemplateSet.Default, AlertSamples.Data()))));

    [Fact]
    public void Compact_removes_whitespace_outside_strings_and_escapes_html() =>
        Assert.Equal("""{"a":[1,2],"b":"x y \u003c\u0026\u003e \" \\ \u2028"}""", JiraJson.Compact("{ \"a\" : [ 1,\n 2 ],\t\"b\": \"x y <&> \\\" \\\\ \u2028\" }"));
}
