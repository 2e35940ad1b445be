using System.Text;

namespace Alerting.Core.Configuration;

/// <summary>What <c>check-config</c> prints: amtool's "Found:" list, with names and warnings.</summary>
public static class ConfigSummary
{
    public static string Describe(AlertingConfig config)
    {
        var sb = new StringBuilder();
        sb.Append("Found:\n");
        sb.Append(" - global config\n");

        var (count, depth) = Measure(config.RootRoute, 1);
        sb.Append($" - route tree: {count} {Plural(count, "route")} (root included), depth {depth}, default receiver \"{config.RootRoute.Receiver}\"\n");
        Escalations(sb, config.RootRoute);
        sb.Append($" - {config.InhibitRules.Count} inhibit {Plural(config.InhibitRules.Count, "rule")}\n");

        sb.Append($" - {config.Receivers.Count} {Plural(config.Receivers.Count, "receiver")}\n");
        foreach (var r in config.Receivers)
        {
            var parts = new List<string>();
            foreach (var kind in r.Integrations.GroupBy(i => i.Kind))
            {
                Add(parts, kind.Key, kind.Count());
            }
            sb.Append($"   - {r.Name}: {(parts.Count == 0 ? "no integrations" : string.Join(", ", parts))}\n");
        }

        sb.Append($" - {config.TimeIntervals.Count} time {Plural(config.TimeIntervals.Count, "interval")}");
        sb.Append(config.TimeIntervals.Count == 0 ? "\n" : $": {string.Join(", ", config.TimeIntervals.Select(t => t.Name))}\n");

        sb.Append($" - {config.Templates.Count} {Plural(config.Templates.Count, "template")}\n");
        foreach (var t in config.Templates)
        {
            sb.Append($"   - {t}\n");
        }

        if (config.Warnings.Count > 0)
        {
            sb.Append($"Warnings ({config.Warnings.Count}):\n");
            foreach (var w in config.Warnings)
            {
                sb.Append($" - {w}\n");
            }
        }
        return sb.ToString();
    }

    /// <summary>Each route that sets <c>escalation:</c> (its children inherit it), with its steps: "after 10m -> phone".</summary>
    private static void Escalations(StringBuilder sb, RouteConfig route)
    {
        if (route.Escalation is { Count: > 0 } steps)
        {
            sb.Append($"   - escalation of the route at line {route.Line}: ");
            sb.Append(string.Join(", ", steps.Select(s => $"after {Duration.Format(s.After)} -> {s.Receiver}")));
            sb.Append('\n');
        }
        foreach (var child in route.Routes)
        {
            Escalations(sb, child);
        }
    }

    private static (int Count, int Depth) Measure(RouteConfig route, int level)
    {
        var count = 1;
        var depth = level;
        foreach (var child in route.Routes)
        {
            var (c, d) = Measure(child, level + 1);
            count += c;
            depth = Math.Max(depth, d);
        }
        return (count, depth);
    }

    private static void Add(List<string> parts, string name, int count)
    {
        if (count > 0)
        {
            parts.Add(count == 1 ? name : $"{name} x{count}");
        }
    }

    private static string Plural(int n, string word) => n == 1 ? word : word + "s";
}
