using Alerting.Configuration;
using Alerting.Labels;

namespace Alerting.Routing;

/// <summary>The essence of Alertmanager's dispatch/route_test.go, with the same expectations.</summary>
public sealed class RouteTests
{
    private static readonly string[] s_receivers =
        ["notify-def", "notify-A", "notify-testing", "notify-productionA", "notify-productionB", "notify-BC"];

    private const string MatchTree = """
        receiver: 'notify-def'

        routes:
        - match:
            owner: 'team-A'

          receiver: 'notify-A'

          routes:
          - match:
              env: 'testing'

            receiver: 'notify-testing'
            group_by: [...]

          - match:
              env: "production"

            receiver: 'notify-productionA'
            group_wait: 1m

            continue: true

          - match_re:
              env: "produ.*"
              job: ".*"

            receiver: 'notify-productionB'
            group_wait: 30s
            group_interval: 5m
            repeat_interval: 1h
            group_by: ['job']

        - match_re:
            owner: 'team-(B|C)'

          group_by: ['foo', 'bar']
          group_wait: 2m
          receiver: 'notify-BC'

        - match:
            group_by: 'role'
          group_by: ['role']

          routes:
          - match:
              env: 'testing'
            receiver: 'notify-testing'
            routes:
            - match:
                wait: 'long'
              group_wait: 2m
        """;

    private const string MatchersTree = """
        receiver: 'notify-def'

        routes:
        - matchers: ['{owner="team-A"}', '{level!="critical"}']

          receiver: 'notify-A'

          routes:
          - matchers: ['{env="testing"}', '{baz!~".*quux"}']

            receiver: 'notify-testing'
            group_by: [...]

          - matchers: ['{env="production"}']

            receiver: 'notify-productionA'
            group_wait: 1m

            continue: true

          - matchers: [ env=~"produ.*", job=~".*"]

            receiver: 'notify-productionB'
            group_wait: 30s
            group_interval: 5m
            repeat_interval: 1h
            group_by: ['job']

        - matchers: [owner=~"team-(B|C)"]

          group_by: ['foo', 'bar']
          group_wait: 2m
          receiver: 'notify-BC'

        - matchers: [group_by="role"]
          group_by: ['role']

          routes:
          - matchers: ['{env="testing"}']
            receiver: 'notify-testing'
            routes:
            - matchers: [wait="long"]
              group_wait: 2m
        """;

    internal static Route Tree(string routeYaml, params string[] receivers) =>
        Route.Build(ConfigLoader.Load(SampleConfigs.WithRoute(routeYaml, receivers.Length == 0 ? s_receivers : receivers), "routes.yml", channels: []).RootRoute);

    private static LabelSet L(params (string, string)[] pairs) => LabelSet.From(pairs);

    private sealed record Opts(string Receiver, string GroupBy, bool GroupByAll, TimeSpan GroupWait, TimeSpan GroupInterval, TimeSpan RepeatInterval);

    private static Opts Of(Route r) =>
        new(r.Receiver, string.Join(',', r.GroupBy.Order(StringComparer.Ordinal)), r.GroupByAll, r.GroupWait, r.GroupInterval, r.RepeatInterval);

    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_interval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_repeat = TimeSpan.FromHours(4);

    private static void Check(Route tree, LabelSet input, Opts[] expected, string[] keys)
    {
        var matches = tree.Match(input);
        Assert.Equal(expected, matches.Select(Of));
        Assert.Equal(keys, matches.Select(m => m.Key()));
    }

    public static TheoryData<string> Trees => new() { "match", "matchers" };

    private static Route TreeFor(string kind) => Tree(kind == "match" ? MatchTree : MatchersTree);

    // Keys differ between the two trees only in how matchers print: match_re is anchored, and the
    // matchers tree has extra matchers (level!=, baz!~).
    private static string K(string kind, string match, string matchers) => kind == "match" ? match : matchers;

    [Theory]
    [MemberData(nameof(Trees))]
    public void Owner_team_A_goes_to_notify_A(string kind)
    {
        var tree = TreeFor(kind);
        var key = K(kind, "{}/{owner=\"team-A\"}", "{}/{level!=\"critical\",owner=\"team-A\"}");
        Check(tree, L(("owner", "team-A")), [new("notify-A", "", false, s_wait, s_interval, s_repeat)], [key]);
        Check(tree, L(("owner", "team-A"), ("env", "unset")), [new("notify-A", "", false, s_wait, s_interval, s_repeat)], [key]);
    }

    [Theory]
    [MemberData(nameof(Trees))]
    public void Regex_route_with_own_group_by_and_wait(string kind) =>
        Check(TreeFor(kind), L(("owner", "team-C")),
            [new("notify-BC", "bar,foo", false, TimeSpan.FromMinutes(2), s_interval, s_repeat)],
            [K(kind, "{}/{owner=~\"^(?:team-(B|C))$\"}", "{}/{owner=~\"team-(B|C)\"}")]);

    [Theory]
    [MemberData(nameof(Trees))]
    public void Group_by_all(string kind) =>
        Check(TreeFor(kind), L(("owner", "team-A"), ("env", "testing")),
            [new("notify-testing", "", true, s_wait, s_interval, s_repeat)],
            [K(kind, "{}/{owner=\"team-A\"}/{env=\"testing\"}", "{}/{level!=\"critical\",owner=\"team-A\"}/{baz!~\".*quux\",env=\"testing\"}")]);

    [Theory]
    [MemberData(nameof(Trees))]
    public void Continue_lets_the_next_sibling_match(string kind) =>
        Check(TreeFor(kind), L(("owner", "team-A"), ("env", "production")),
            [
                new("notify-productionA", "", false, TimeSpan.FromMinutes(1), s_interval, s_repeat),
                new("notify-productionB", "job", false, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)),
            ],
            [
                K(kind, "{}/{owner=\"team-A\"}/{env=\"production\"}", "{}/{level!=\"critical\",owner=\"team-A\"}/{env=\"production\"}"),
                K(kind, "{}/{owner=\"team-A\"}/{env=~\"^(?:produ.*)$\",job=~\"^(?:.*)$\"}", "{}/{level!=\"critical\",owner=\"team-A\"}/{env=~\"produ.*\",job=~\".*\"}"),
            ]);

    [Theory]
    [MemberData(nameof(Trees))]
    public void Inherits_group_by_receiver_and_timers(string kind)
    {
        var tree = TreeFor(kind);
        Check(tree, L(("group_by", "role")),
            [new("notify-def", "role", false, s_wait, s_interval, s_repeat)],
            ["{}/{group_by=\"role\"}"]);
        Check(tree, L(("env", "testing"), ("group_by", "role")),
            [new("notify-testing", "role", false, s_wait, s_interval, s_repeat)],
            ["{}/{group_by=\"role\"}/{env=\"testing\"}"]);
        Check(tree, L(("env", "testing"), ("group_by", "role"), ("wait", "long")),
            [new("notify-testing", "role", false, TimeSpan.FromMinutes(2), s_interval, s_repeat)],
            ["{}/{group_by=\"role\"}/{env=\"testing\"}/{wait=\"long\"}"]);
    }

    [Fact]
    public void Unmatched_alert_goes_to_the_root()
    {
        var tree = TreeFor("match");
        var match = Assert.Single(tree.Match(L(("owner", "nobody"))));
        Assert.Same(tree, match);
        Assert.Equal("{}", match.Key());
        Assert.Equal("{}", match.Id());
        Assert.Same(tree, Assert.Single(tree.Match(LabelSet.Empty)));
    }

    [Fact]
    public void Level_critical_excludes_team_A_in_the_matchers_tree() =>
        Check(TreeFor("matchers"), L(("owner", "team-A"), ("level", "critical")),
            [new("notify-def", "", false, s_wait, s_interval, s_repeat)], ["{}"]);

    [Fact]
    public void Walk_is_depth_first()
    {
        var tree = TreeFor("match");
        Assert.Equal(
            ["notify-def", "notify-A", "notify-testing", "notify-productionA", "notify-productionB", "notify-BC", "notify-def", "notify-testing", "notify-testing"],
            tree.Walk().Select(r => r.Receiver));
        Assert.All(tree.Walk().Skip(1), r => Assert.Contains(r, r.Parent!.Routes));
    }

    [Fact]
    public void Children_inherit_group_by_all_unless_they_set_group_by()
    {
        var tree = Tree("""
            receiver: r
            routes:
            - match:
                env: 'parent'
              group_by: ['...']
              routes:
              - match:
                  env: 'child1'
              - match:
                  env: 'child2'
                group_by: ['foo']
            """, "r");
        var parent = tree.Routes[0];
        Assert.True(parent.GroupByAll);
        Assert.True(parent.Routes[0].GroupByAll);
        Assert.False(parent.Routes[1].GroupByAll);
        Assert.Equal(["foo"], parent.Routes[1].GroupBy);
        Assert.False(tree.GroupByAll);
        Assert.Empty(tree.GroupBy);
    }

    [Fact]
    public void Time_intervals_are_not_inherited()
    {
        var config = ConfigLoader.Load("""
            route:
              receiver: r
              routes:
                - mute_time_intervals: [t]
                  active_time_intervals: [t]
                  routes:
                    - receiver: r
            receivers:
              - name: r
            time_intervals:
              - name: t
                time_intervals: [{weekdays: [monday]}]
            """, "a.yml", channels: []);
        var tree = Route.Build(config.RootRoute);
        Assert.Equal(["t"], tree.Routes[0].MuteTimeIntervals);
        Assert.Equal(["t"], tree.Routes[0].ActiveTimeIntervals);
        Assert.Empty(tree.Routes[0].Routes[0].MuteTimeIntervals);
        Assert.Empty(tree.Routes[0].Routes[0].ActiveTimeIntervals);
        Assert.Equal("r", tree.Routes[0].Receiver);
    }

    [Fact]
    public void Group_key_of_the_captured_example()
    {
        var tree = Tree("""
            receiver: default
            routes:
              - matchers: [team="db", severity=~"critical|warning"]
                receiver: db
                group_by: [alertname, instance]
                routes:
                  - matchers: [severity="critical"]
                    receiver: db-pager
            """, "default", "db", "db-pager");
        var alert = L(("alertname", "LatencyProbe_9f2d5db6_000"), ("instance", "probe-0"), ("team", "db"), ("severity", "critical"), ("job", "probe"));
        var route = Assert.Single(tree.Match(alert));
        Assert.Equal("db-pager", route.Receiver);
        var groupLabels = route.GroupLabels(alert);
        Assert.Equal(L(("alertname", "LatencyProbe_9f2d5db6_000"), ("instance", "probe-0")), groupLabels);
        Assert.Equal(
            "{}/{severity=~\"critical|warning\",team=\"db\"}/{severity=\"critical\"}:{alertname=\"LatencyProbe_9f2d5db6_000\", instance=\"probe-0\"}",
            route.GroupKey(groupLabels));
        Assert.Equal("{}/{severity=~\"critical|warning\",team=\"db\"}/{severity=\"critical\"}/0", route.Id());
    }

    [Fact]
    public void Group_labels_leave_out_missing_labels_and_take_all_with_wildcard()
    {
        var tree = Tree("""
            receiver: r
            group_by: [alertname, cluster]
            routes:
              - matchers: [team="x"]
              - matchers: [team="all"]
                group_by: ['...']
            """, "r");
        var alert = L(("alertname", "foo"), ("team", "x"), ("severity", "page"));
        var route = Assert.Single(tree.Match(alert));
        Assert.Equal(L(("alertname", "foo")), route.GroupLabels(alert));
        Assert.Equal("{}/{team=\"x\"}:{alertname=\"foo\"}", route.GroupKey(route.GroupLabels(alert)));

        var all = L(("alertname", "foo"), ("team", "all"));
        var wildcard = Assert.Single(tree.Match(all));
        Assert.Equal(all, wildcard.GroupLabels(all));
        Assert.Equal("{}/{team=\"all\"}:{alertname=\"foo\", team=\"all\"}", wildcard.GroupKey(wildcard.GroupLabels(all)));
        Assert.Equal("{}:{}", tree.GroupKey(LabelSet.Empty));
    }

    [Fact]
    public void Ids_tell_apart_siblings_with_equal_keys()
    {
        var tree = Tree("""
            receiver: r
            routes:
              - matchers: [a="1"]
                continue: true
              - matchers: [a="1"]
                routes:
                  - matchers: [b="2"]
            """, "r");
        Assert.Equal(tree.Routes[0].Key(), tree.Routes[1].Key());
        Assert.Equal("{}/{a=\"1\"}/0", tree.Routes[0].Id());
        Assert.Equal("{}/{a=\"1\"}/1", tree.Routes[1].Id());
        Assert.Equal("{}/{a=\"1\"}/{b=\"2\"}/0", tree.Routes[1].Routes[0].Id());
        Assert.Equal(2, tree.Match(L(("a", "1"))).Count);
        Assert.Equal(-1, tree.Index);
        Assert.Null(tree.Parent);
    }

    [Fact]
    public void Siblings_with_identical_matchers_share_the_group_key_but_not_the_group()
    {
        // Alertmanager keeps groups per route: both routes notify, each from its own group, both under one groupKey.
        var tree = Tree("""
            receiver: default
            routes:
              - receiver: a
                matchers: [team="x"]
                continue: true
              - receiver: b
                matchers: [team="x"]
            """, "default", "a", "b");
        var alert = L(("alertname", "foo"), ("team", "x"));
        var matches = tree.Match(alert);
        Assert.Equal(["a", "b"], matches.Select(r => r.Receiver));
        var ids = matches.Select(r => r.GroupId(r.GroupLabels(alert))).ToList();
        Assert.Equal(new AggregationGroupId("{}/{team=\"x\"}/0", "{}/{team=\"x\"}:{}"), ids[0]);
        Assert.Equal(new AggregationGroupId("{}/{team=\"x\"}/1", "{}/{team=\"x\"}:{}"), ids[1]);
        Assert.NotEqual(ids[0], ids[1]);
        Assert.Equal(ids[0].GroupKey, matches[1].GroupKey(matches[1].GroupLabels(alert)));
        // The root's group is told apart by its id, which is its key.
        Assert.Equal(new AggregationGroupId("{}", "{}:{}"), tree.GroupId(LabelSet.Empty));
    }

    [Fact]
    public void Children_of_identical_siblings_get_ids_of_their_own_and_other_ids_stay_Alertmanagers()
    {
        // Alertmanager gives both {b="2"} children the id {}/{a="1"}/{b="2"}/0; a group per route needs two.
        var tree = Tree("""
            receiver: default
            routes:
              - receiver: a
                matchers: [a="1"]
                continue: true
                routes:
                  - receiver: a
                    matchers: [b="2"]
              - receiver: b
                matchers: [a="1"]
                routes:
                  - receiver: b
                    matchers: [b="2"]
              - receiver: c
                matchers: [c="3"]
            """, "default", "a", "b", "c");

        var ids = tree.Walk().Select(r => r.Id()).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(
            ["{}", "{}/{a=\"1\"}/0", "{}/{a=\"1\"}/0/{b=\"2\"}/0", "{}/{a=\"1\"}/1", "{}/{a=\"1\"}/1/{b=\"2\"}/0", "{}/{c=\"3\"}/2"],
            ids);
        var alert = L(("a", "1"), ("b", "2"));
        Assert.Equal(["a", "b"], tree.Match(alert).Select(r => r.Receiver));
        Assert.NotEqual(tree.Match(alert)[0].GroupId(LabelSet.Empty), tree.Match(alert)[1].GroupId(LabelSet.Empty));
    }

    [Fact]
    public void Matchers_are_sorted_by_name_value_then_type()
    {
        var tree = Tree("""
            receiver: r
            routes:
              - matchers: ['b="1"', 'a!="x"', 'a="x"', 'a=~"a"']
            """, "r");
        Assert.Equal("{a=~\"a\",a=\"x\",a!=\"x\",b=\"1\"}", tree.Routes[0].Matchers.ToString());
    }

    [Fact]
    public void Matching_stops_after_the_first_child_without_continue()
    {
        var tree = Tree("""
            receiver: r
            routes:
              - matchers: [x="1"]
                receiver: first
              - matchers: [x="1"]
                receiver: second
              - matchers: [x=~".*"]
                receiver: third
            """, "r", "first", "second", "third");
        Assert.Equal(["first"], tree.Match(L(("x", "1"))).Select(r => r.Receiver));
        Assert.Equal(["third"], tree.Match(L(("x", "2"))).Select(r => r.Receiver));
    }

    [Fact]
    public void Routes_keep_their_config_line()
    {
        var config = ConfigLoader.Load(SampleConfigs.Full, "alerting.yml", StubChannel.ForSamples);
        var tree = Route.Build(config.RootRoute);
        Assert.Equal(config.RootRoute.Routes[1].Line, tree.Routes[1].Line);
        Assert.True(tree.Routes[1].Line > tree.Line);
        Assert.Equal(TimeSpan.FromSeconds(45), tree.Routes[1].GroupWait);
        Assert.Equal(TimeSpan.FromDays(1), tree.Routes[1].RepeatInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), tree.Routes[0].Routes[0].GroupInterval);
        Assert.Equal(["alertname", "instance"], tree.Routes[0].Routes[0].GroupBy.Order(StringComparer.Ordinal));
    }
}
