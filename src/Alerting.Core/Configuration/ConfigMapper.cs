using Alerting.Core.Labels;
using Alerting.Core.Matching;
using Alerting.Core.TimeIntervals;

namespace Alerting.Core.Configuration;

/// <summary>Maps the YAML tree onto the model and applies Alertmanager's validation, collecting every error.</summary>
internal sealed partial class ConfigMapper(LoadContext ctx, IReadOnlyList<ChannelReader> channels)
{
    private static bool IsTimeZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    private readonly HashSet<string> _receiverNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _timeIntervalNames = new(StringComparer.Ordinal);

    public AlertingConfig? Map(MapReader top)
    {
        // Order matters: routes refer to receivers and time intervals, receivers take global defaults.
        var global = ReadGlobal(top.Map("global"));
        var timeIntervals = ReadTimeIntervals(top);
        var receivers = ReadReceivers(top, global);

        RouteConfig? route = null;
        if (top.Map("route") is { } routeReader)
        {
            route = ReadRoute(routeReader, parentIsNull: true);
        }
        else
        {
            ctx.Error(top.KeyNode("route"), "route", "no route provided in config");
        }

        var inhibitRules = top.MapList("inhibit_rules").Select(e => ReadInhibitRule(e.Item)).ToList();
        var templates = ReadTemplates(top);
        var server = ReadServer(top.Map("server"));
        var tracing = ReadTracing(top);
        top.Finish();

        return route is null
            ? null
            : new AlertingConfig
            {
                Global = global,
                RootRoute = route,
                InhibitRules = inhibitRules,
                Receivers = receivers,
                TimeIntervals = timeIntervals,
                Templates = templates,
                Server = server,
                Tracing = tracing,
            };
    }

    private GlobalConfig ReadGlobal(MapReader? g)
    {
        if (g is null)
        {
            return GlobalConfig.Default with { ChannelDefaults = ReadChannelDefaults(null) };
        }
        var global = new GlobalConfig
        {
            ResolveTimeout = g.Duration("resolve_timeout") ?? GlobalConfig.Default.ResolveTimeout,
            HttpConfig = g.HttpConfig("http_config") ?? HttpClientConfig.Default,
            ChannelDefaults = ReadChannelDefaults(g),
            Language = g.Language("language"),
            TimeZone = g.String("time_zone"),
        };
        if (global.TimeZone is { } zone && !IsTimeZone(zone))
        {
            g.Error("time_zone", $"unknown time zone \"{zone}\" (want an IANA name such as Asia/Shanghai or UTC)");
        }
        g.Finish();
        return global;
    }

    private List<object> ReadChannelDefaults(MapReader? g) =>
        [.. channels.Select(c => c.ReadGlobal(g)).OfType<object>()];

    private List<TimeIntervalConfig> ReadTimeIntervals(MapReader top)
    {
        var result = new List<TimeIntervalConfig>();
        // mute_time_intervals is the name before 0.24; Alertmanager reads both into one namespace.
        foreach (var (key, kind) in (ReadOnlySpan<(string, string)>)[("mute_time_intervals", "mute time interval"), ("time_intervals", "time interval")])
        {
            foreach (var (ti, _) in top.MapList(key))
            {
                var name = ti.String("name");
                if (string.IsNullOrEmpty(name))
                {
                    ti.Error("name", $"missing name in {kind}");
                }
                else if (!_timeIntervalNames.Add(name))
                {
                    ti.Error("name", $"{kind} \"{name}\" is not unique");
                }
                var specs = ti.MapList("time_intervals").Select(e => ReadTimeIntervalSpec(e.Item)).ToList();
                ti.Finish();
                result.Add(new TimeIntervalConfig(name ?? "", specs, LoadContext.Line(ti.Node)));
            }
        }
        return result;
    }

    private TimeIntervalSpec ReadTimeIntervalSpec(MapReader s)
    {
        List<TimeRange>? times = null;
        if (s.Has("times"))
        {
            times = [];
            foreach (var (t, _) in s.MapList("times"))
            {
                var start = t.String("start_time");
                var end = t.String("end_time");
                try
                {
                    times.Add(TimeIntervalParser.ParseTimeRange(start, end));
                }
                catch (FormatException e)
                {
                    t.Error(e.Message);
                }
                t.Finish();
            }
        }
        else
        {
            s.Ignore("times");
        }

        var location = s.String("location");
        TimeZoneInfo? zone = null;
        if (location is not null)
        {
            try
            {
                zone = TimeIntervalParser.ParseLocation(location);
            }
            catch (FormatException e)
            {
                s.Error("location", e.Message);
            }
        }

        var spec = new TimeIntervalSpec
        {
            Times = times,
            Weekdays = Ranges(s, "weekdays", TimeIntervalParser.ParseWeekdays),
            DaysOfMonth = Ranges(s, "days_of_month", TimeIntervalParser.ParseDaysOfMonth),
            Months = Ranges(s, "months", TimeIntervalParser.ParseMonths),
            Years = Ranges(s, "years", TimeIntervalParser.ParseYears),
            Location = location,
            TimeZone = zone,
        };
        s.Finish();
        return spec;
    }

    private static List<InclusiveRange>? Ranges(MapReader s, string key, Func<string, InclusiveRange> parse)
    {
        var items = s.StringList(key);
        if (items is null)
        {
            return null;
        }
        var result = new List<InclusiveRange>();
        for (var i = 0; i < items.Count; i++)
        {
            try
            {
                result.Add(parse(items[i]));
            }
            catch (FormatException e)
            {
                s.ItemError(key, i, e.Message);
            }
        }
        return result;
    }

    private RouteConfig ReadRoute(MapReader r, bool parentIsNull)
    {
        var receiver = r.String("receiver");
        if (!string.IsNullOrEmpty(receiver) && !_receiverNames.Contains(receiver))
        {
            r.Error("receiver", $"receiver \"{receiver}\" is not defined");
        }

        var (groupBy, groupByAll) = ReadGroupBy(r, ctx.Syntax);

        var matchers = new List<Matcher>();
        matchers.AddRange(r.LegacyMatchers("match", regex: false) ?? []);
        matchers.AddRange(r.LegacyMatchers("match_re", regex: true) ?? []);
        matchers.AddRange(r.MatcherList("matchers") ?? []);

        var mute = r.StringList("mute_time_intervals") ?? [];
        var active = r.StringList("active_time_intervals") ?? [];
        foreach (var (key, names) in (ReadOnlySpan<(string, IReadOnlyList<string>)>)[("mute_time_intervals", mute), ("active_time_intervals", active)])
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (!_timeIntervalNames.Contains(names[i]))
                {
                    r.ItemError(key, i, $"time interval \"{names[i]}\" is not defined");
                }
            }
        }

        var groupInterval = r.Duration("group_interval");
        if (groupInterval == TimeSpan.Zero)
        {
            r.Error("group_interval", "group_interval cannot be zero");
        }
        var repeatInterval = r.Duration("repeat_interval");
        if (repeatInterval == TimeSpan.Zero)
        {
            r.Error("repeat_interval", "repeat_interval cannot be zero");
        }

        var route = new RouteConfig
        {
            Receiver = receiver,
            GroupBy = groupBy,
            GroupByAll = groupByAll,
            Continue = r.Bool("continue", false),
            Matchers = new Matchers(matchers).Sorted(),
            GroupWait = r.Duration("group_wait"),
            GroupInterval = groupInterval,
            RepeatInterval = repeatInterval,
            MuteTimeIntervals = mute,
            ActiveTimeIntervals = active,
            Escalation = ReadEscalation(r),
            Routes = [.. r.MapList("routes").Select(e => ReadRoute(e.Item, parentIsNull: false))],
            Line = LoadContext.Line(r.Node),
        };

        if (parentIsNull)
        {
            if (string.IsNullOrEmpty(receiver))
            {
                r.Error("root route must specify a default receiver");
            }
            if (r.Has("match") || r.Has("match_re") || r.Has("matchers"))
            {
                r.Error(r.Has("matchers") ? "matchers" : r.Has("match") ? "match" : "match_re", "root route must not have any matchers");
            }
            if (mute.Count > 0)
            {
                r.Error("mute_time_intervals", "root route must not have any mute time intervals");
            }
            if (active.Count > 0)
            {
                r.Error("active_time_intervals", "root route must not have any active time intervals");
            }
            if (route.Continue)
            {
                r.Error("continue", "cannot have continue in root route");
            }
        }
        r.Finish();
        return route;
    }

    private static (IReadOnlyList<string>? GroupBy, bool All) ReadGroupBy(MapReader r, MatcherSyntax syntax)
    {
        var items = r.StringList("group_by");
        if (items is null)
        {
            return (null, false);
        }
        var labels = new List<string>();
        var all = false;
        foreach (var l in items)
        {
            if (l == "...")
            {
                all = true;
            }
            else if (!syntax.IsValidLabelName(l))
            {
                r.Error("group_by", $"invalid label name {GoQuote.Quote(l)} in group_by list");
            }
            else if (labels.Contains(l))
            {
                r.Error("group_by", $"duplicated label \"{l}\" in group_by");
            }
            else
            {
                labels.Add(l);
            }
        }
        if (all && labels.Count > 0)
        {
            r.Error("group_by", "cannot have wildcard group_by (`...`) and other labels at the same time");
        }
        // As in Alertmanager, an empty list (or only '...') leaves the inherited labels in place.
        return (labels.Count > 0 ? labels : null, all);
    }

    private InhibitRuleConfig ReadInhibitRule(MapReader r)
    {
        var source = new List<Matcher>();
        source.AddRange(r.LegacyMatchers("source_match", regex: false) ?? []);
        source.AddRange(r.LegacyMatchers("source_match_re", regex: true) ?? []);
        source.AddRange(r.MatcherList("source_matchers") ?? []);
        var target = new List<Matcher>();
        target.AddRange(r.LegacyMatchers("target_match", regex: false) ?? []);
        target.AddRange(r.LegacyMatchers("target_match_re", regex: true) ?? []);
        target.AddRange(r.MatcherList("target_matchers") ?? []);

        var equal = r.StringList("equal") ?? [];
        foreach (var name in equal)
        {
            if (!ctx.Syntax.IsValidLabelName(name))
            {
                r.Error("equal", $"invalid label name {GoQuote.Quote(name)} in equal list");
            }
        }
        r.Finish();
        return new InhibitRuleConfig
        {
            SourceMatchers = new Matchers(source).Sorted(),
            TargetMatchers = new Matchers(target).Sorted(),
            Equal = equal,
            Line = LoadContext.Line(r.Node),
        };
    }

    private List<string> ReadTemplates(MapReader top)
    {
        var result = new List<string>();
        foreach (var template in top.StringList("templates") ?? [])
        {
            var path = ctx.ResolvePath(template) ?? template;
            result.Add(path);
            // Only a file loader knows where files are; a glob matching nothing is legal in Alertmanager.
            if (ctx.FromFile && path.IndexOfAny(['*', '?', '[']) < 0 && !File.Exists(path))
            {
                ctx.Warn(top.KeyNode("templates"), "templates", $"template file {path} does not exist");
            }
        }
        return result;
    }
}
