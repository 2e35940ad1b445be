using Alerting.Core.Configuration;
using Alerting.Core.Labels;

namespace Alerting.Core.Routing;

/// <summary>Group keys, group labels and route ids, as Alertmanager computes them; trees built with <see cref="RouteTests.Tree"/>.</summary>
public sealed class GroupKeyTests
{
    private static Route Tree(string routeYaml, params string[] receivers) => RouteTests.Tree(routeYaml, receivers);

    private static LabelSet L(params (string, string)[] pairs) => LabelSet.From(pairs);

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
