using Alerting.GoTemplates.Formatting;
using Alerting.GoTemplates.Strconv;
using Alerting.GoTemplates.Time;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Alertmanager;

/// <summary>prometheus/common's HumanizeDuration (helpers/templates).</summary>
internal static class Humanize
{
    public static string Duration(object? i)
    {
        var v = ToFloat(i);
        if (double.IsNaN(v) || double.IsInfinity(v))
        {
            return GoFmt.Sprintf("%.4g", [v]);
        }
        if (v == 0)
        {
            return GoFmt.Sprintf("%.4gs", [v]);
        }
        if (Math.Abs(v) >= 1)
        {
            var sign = "";
            if (v < 0)
            {
                sign = "-";
                v = -v;
            }
            var duration = (long)v;
            var seconds = duration % 60;
            var minutes = duration / 60 % 60;
            var hours = duration / 60 / 60 % 24;
            var days = duration / 60 / 60 / 24;
            if (days != 0)
            {
                return GoFmt.Sprintf("%s%dd %dh %dm %ds", [sign, days, hours, minutes, seconds]);
            }
            if (hours != 0)
            {
                return GoFmt.Sprintf("%s%dh %dm %ds", [sign, hours, minutes, seconds]);
            }
            if (minutes != 0)
            {
                return GoFmt.Sprintf("%s%dm %ds", [sign, minutes, seconds]);
            }
            return GoFmt.Sprintf("%s%.4gs", [sign, v]);
        }
        var prefix = "";
        foreach (var p in new[] { "m", "u", "n", "p", "f", "a", "z", "y" })
        {
            if (Math.Abs(v) >= 1)
            {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return GoFmt.Sprintf("%.4g%ss", [v, prefix]);
    }

    private static double ToFloat(object? i)
    {
        switch (i)
        {
            case double d:
                return d;
            case string s:
                return GoParse.TryParseFloat(s, out var f)
                    ? f
                    : throw new GoCallException($"strconv.ParseFloat: parsing {GoQuote.Quote(s)}: invalid syntax");
            case long l:
                return l;
            case ulong u:
                return u;
            case GoInt { Type.Name: "int64" } g:
                return g.Value;
            case GoInt g when g.Type == GoDuration.DurationType:
                return (g.Value / 1_000_000_000) + (g.Value % 1_000_000_000 / 1e9);
            default:
                throw new GoCallException($"can't convert {(i is null ? "<nil>" : GoTypes.Of(i)!.Name)} to float");
        }
    }
}
