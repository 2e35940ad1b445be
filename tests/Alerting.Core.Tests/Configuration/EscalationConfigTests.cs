using Alerting.Core.Routing;

namespace Alerting.Core.Configuration;

public sealed class EscalationConfigTests
{
    private const string Receivers = """
        receivers:
          - name: chat
          - name: phone
          - name: lead
        """;

    private static AlertingConfig Load(string route) => ConfigLoader.Load(route + "\n" + Receivers, "a.yml", channels: []);

    [Fact]
    public void Steps_are_inherited_and_an_empty_list_switches_them_off()
    {
        var config = Load("""
            route:
              receiver: chat
              escalation:
                - after: 10m
                  receiver: phone
                - after: 30m
                  receiver: lead
              routes:
                - matchers: [team="a"]
                - matchers: [team="b"]
                  escalation: []
                - matchers: [team="c"]
                  escalation:
                    - after: 1h
                      receiver: lead
            """);
        var root = Route.Build(config.RootRoute);
        Assert.Equal([(TimeSpan.FromMinutes(10), "phone"), (TimeSpan.FromMinutes(30), "lead")],
            root.Escalation.Select(s => (s.After, s.Receiver)));
        Assert.Equal(root.Escalation, root.Routes[0].Escalation);
        Assert.Empty(root.Routes[1].Escalation);
        Assert.Equal([(TimeSpan.FromHours(1), "lead")], root.Routes[2].Escalation.Select(s => (s.After, s.Receiver)));
        Assert.Equal(4, root.Escalation[0].Line);
    }

    [Fact]
    public void No_escalation_means_no_steps()
    {
        var root = Route.Build(Load("route:\n  receiver: chat").RootRoute);
        Assert.Empty(root.Escalation);
    }

    [Theory]
    [InlineData("  escalation:\n    - after: 10m\n      receiver: nobody\n", "a.yml:5: route.escalation[0].receiver: receiver \"nobody\" is not defined")]
    [InlineData("  escalation:\n    - after: 0s\n      receiver: phone\n", "a.yml:4: route.escalation[0].after: after must be greater than zero")]
    [InlineData("  escalation:\n    - receiver: phone\n", "a.yml:4: route.escalation[0].after: missing after in escalation step")]
    [InlineData("  escalation:\n    - after: 10m\n", "a.yml:4: route.escalation[0].receiver: missing receiver in escalation step")]
    [InlineData("  escalation:\n    - after: 30m\n      receiver: phone\n    - after: 10m\n      receiver: lead\n",
        "a.yml:6: route.escalation[1].after: after 10m must be later than the previous step's 30m")]
    [InlineData("  escalation:\n    - after: 10m\n      receiver: phone\n    - after: 10m\n      receiver: lead\n",
        "a.yml:6: route.escalation[1].after: after 10m must be later than the previous step's 10m")]
    [InlineData("  escalation:\n    - after: 10m\n      reciever: phone\n", "a.yml:5: route.escalation[0].reciever: field reciever not found (unknown field; did you mean receiver?)")]
    [InlineData("  escalation: phone\n", "a.yml:3: route.escalation: expected a list")]
    public void Bad_steps_name_file_line_and_field(string escalation, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Load("route:\n  receiver: chat\n" + escalation.TrimEnd('\n')));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_route_errors_carry_their_path()
    {
        var e = Assert.Throws<ConfigException>(() => Load("""
            route:
              receiver: chat
              routes:
                - matchers: [team="a"]
                  escalation:
                    - after: 5m
                      receiver: ghost
            """));
        Assert.Contains("a.yml:7: route.routes[0].escalation[0].receiver: receiver \"ghost\" is not defined", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Amtool_sees_no_escalation()
    {
        var config = Load("""
            route:
              receiver: chat
              escalation:
                - after: 10m
                  receiver: phone
              routes:
                - matchers: [team="a"]
                  escalation: []
            """);
        Assert.DoesNotContain("escalation", config.MaskedYaml, StringComparison.Ordinal);
        Assert.Contains("team=\"a\"", config.MaskedYaml, StringComparison.Ordinal);
    }
}
