using Alerting.Core.Configuration;
using Alerting.Core.Labels;
using Alerting.Core.Matching;

namespace Alerting.Core.Routing;

/// <summary>
/// UTF-8 label names (Prometheus 3, OpenTelemetry's <c>service.name</c>) through routes, group keys and
/// fingerprints, as Alertmanager 0.27+ computes them in its default mode.
/// </summary>
public sealed class Utf8LabelTests
{
    private const string Routes = """
        receiver: default
        group_by: [service.name, "k8s.pod/name"]
        routes:
          - matchers: ['{"service.name"="api", "deployment env"=~"prod|staging"}']
            receiver: api
            group_by: [service.name, deployment env]
        """;

    private static Route Tree(MatcherSyntax? syntax = null) =>
        Route.Build(ConfigLoader.Load(SampleConfigs.WithRoute(Routes, "default", "api"), "routes.yml", channels: [], syntax).RootRoute);

    [Fact]
    public void Quoted_names_route_and_key_groups_as_Alertmanager()
    {
        var alert = LabelSet.From(("alertname", "Down"), ("service.name", "api"), ("deployment env", "prod"), ("k8s.pod/name", "web-0"));
        var route = Assert.Single(Tree().Match(alert));
        Assert.Equal("api", route.Receiver);
        var groupLabels = route.GroupLabels(alert);
        // The route key quotes a name with a reserved character (the space), and then its value too; the group
        // labels print names as they are (model.LabelSet.String), sorted by their bytes.
        Assert.Equal("{}/{\"deployment env\"=~\"prod|staging\",service.name=\"api\"}:{deployment env=\"prod\", service.name=\"api\"}",
            route.GroupKey(groupLabels));
    }

    [Fact]
    public void The_root_groups_by_utf8_names()
    {
        var alert = LabelSet.From(("alertname", "Down"), ("service.name", "web"), ("k8s.pod/name", "web-0"));
        var route = Assert.Single(Tree().Match(alert));
        Assert.Equal("default", route.Receiver);
        Assert.Equal("{}:{k8s.pod/name=\"web-0\", service.name=\"web\"}", route.GroupKey(route.GroupLabels(alert)));
    }

    [Theory]
    // Expected values: Prometheus' labelSetToFingerprint (FNV-1a over name 0xFF value 0xFF in byte order), worked
    // out independently; the classic set's value is the one Alertmanager 0.25 answered for it.
    [InlineData("c4fad6e61c765960", "alertname", "Down", "service.name", "api")]
    [InlineData("968ea83d433b41c1", "alertname", "Down", "Größe", "groß", "k8s.pod/name", "web-0")]
    [InlineData("0617414345272fe2", "alertname", "A1")]
    public void Fingerprints_hash_the_utf8_bytes_of_names_in_byte_order(string expected, params string[] pairs)
    {
        var labels = LabelSet.From(pairs.Chunk(2).Select(p => new KeyValuePair<string, string>(p[0], p[1])));
        Assert.Equal(expected, labels.FingerprintHex);
    }

    [Fact]
    public void Classic_mode_refuses_the_same_tree_and_strict_mode_takes_it()
    {
        var e = Assert.Throws<ConfigException>(() => Tree(new MatcherSyntax(MatcherMode.Classic)));
        Assert.Contains(e.Errors, x => x.ToString().Contains("group_by: invalid label name \"service.name\" in group_by list", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.ToString().Contains(
            "route.routes[0].matchers[0]: bad matcher format: \"service.name\"=\"api\"", StringComparison.Ordinal));
        Assert.Equal("api", Tree(new MatcherSyntax(MatcherMode.Utf8Strict)).Routes[0].Receiver);
    }

    [Fact]
    public void A_classic_only_matcher_loads_with_the_fallback_warning_at_its_line_and_is_refused_in_strict_mode()
    {
        var yaml = SampleConfigs.WithRoute("""
            receiver: default
            routes:
              - matchers: ['foo=!bar']
                receiver: api
            """, "default", "api");
        var config = ConfigLoader.Load(yaml, "routes.yml", channels: []);
        Assert.Equal("foo=\"!bar\"", config.RootRoute.Routes[0].Matchers.Single().ToString());
        var warning = Assert.Single(config.Warnings);
        Assert.StartsWith("routes.yml:4: route.routes[0].matchers[0]: " + MatcherSyntax.FallbackWarning, warning, StringComparison.Ordinal);
        Assert.Contains("suggestion=\"foo=\\\"!bar\\\"\"", warning, StringComparison.Ordinal);

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(yaml, "routes.yml", channels: [], new MatcherSyntax(MatcherMode.Utf8Strict)));
        Assert.Equal("routes.yml:4: route.routes[0].matchers[0]: 4:5: !: expected one of '=~': expected label value", Assert.Single(e.Errors).ToString());
    }

    [Theory]
    [InlineData(MatcherMode.Fallback)]
    [InlineData(MatcherMode.Utf8Strict)]
    [InlineData(MatcherMode.Classic)]
    public void Legacy_match_keeps_classic_names_in_every_mode(MatcherMode mode)
    {
        // Alertmanager checks match, match_re, source_match and target_match keys against the classic pattern always.
        var yaml = SampleConfigs.WithRoute("receiver: default\nroutes:\n  - match: {service.name: api}\n    receiver: api\n", "default", "api");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(yaml, "routes.yml", channels: [], new MatcherSyntax(mode)));
        Assert.Contains("match.service.name: invalid label name \"service.name\"", Assert.Single(e.Errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Inhibit_rules_take_utf8_names_in_matchers_and_equal()
    {
        var yaml = SampleConfigs.WithRoute("receiver: default\n", "default") + """
            inhibit_rules:
              - source_matchers: ['"alert.severity"="critical"']
                target_matchers: ['{"alert.severity"="warning"}']
                equal: [service.name, "k8s namespace"]
            """;
        var rule = Assert.Single(ConfigLoader.Load(yaml, "inhibit.yml", channels: []).InhibitRules);
        Assert.Equal("alert.severity=\"critical\"", rule.SourceMatchers.Single().ToString());
        Assert.Equal(["service.name", "k8s namespace"], rule.Equal);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(yaml, "inhibit.yml", channels: [], new MatcherSyntax(MatcherMode.Classic)));
        Assert.Contains(e.Errors, x => x.ToString().Contains("equal: invalid label name \"service.name\" in equal list", StringComparison.Ordinal));
    }
}
