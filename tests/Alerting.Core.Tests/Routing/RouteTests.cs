using Alerting.Core.Configuration;
using Alerting.Core.Labels;

namespace Alerting.Core.Routing;

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
    public void A_one_route_match_is_the_routes_own_list_and_a_continue_match_a_list_of_its_own()
    {
        var tree = TreeFor("match");
        var one = tree.Match(L(("owner", "team-C")));
        Assert.Same(one, tree.Match(L(("owner", "team-B"))));
        Assert.Equal("notify-BC", Assert.Single(one).Receiver);
        var two = tree.Match(L(("owner", "team-A"), ("env", "production")));
        var again = tree.Match(L(("owner", "team-A"), ("env", "production"), ("job", "x")));
        Assert.NotSame(two, again);
        Assert.Equal(["notify-productionA", "notify-productionB"], two.Select(r => r.Receiver));
        // A later match does not change an earlier result (the matching list is reused).
        tree.Match(L(("owner", "nobody")));
        Assert.Equal(["notify-productionA", "notify-productionB"], two.Select(r => r.Receiver));
        Assert.Equal("notify-BC", Assert.Single(one).Receiver);
        // Its receiver as a list of one, also the route's own: the same list for every alert the route takes.
        Assert.Equal(["notify-BC"], one[0].ReceiverAlone);
        Assert.Same(one[0].ReceiverAlone, tree.Match(L(("owner", "team-B")))[0].ReceiverAlone);
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
}
