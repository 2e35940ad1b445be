using System.Globalization;
using System.Text.RegularExpressions;

namespace Alerting.Metrics;

/// <summary>A parsed Prometheus text exposition: each sample's name, labels and value.</summary>
internal sealed partial class Scrape(IReadOnlyList<(string Name, Dictionary<string, string> Labels, double Value)> samples)
{
    public static Scrape Parse(string text) =>
        new([.. text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(line =>
        {
            var m = Sample().Match(line);
            Assert.True(m.Success, $"not a sample line: {line}");
            var labels = Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => Regex.Unescape(l.Groups[2].Value));
            return (m.Groups["name"].Value, labels, double.Parse(m.Groups["value"].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture));
        })]);

    public List<Dictionary<string, string>> Series(string name) => [.. samples.Where(s => s.Name == name).Select(s => s.Labels)];

    /// <summary>The sum of the series of <paramref name="name"/> that have the labels given; fails when there is none.</summary>
    public double Value(string name, params (string Name, string Value)[] labels)
    {
        var sum = Sum(name, labels);
        Assert.True(sum is not null, $"no {name} with {string.Join(",", labels)}");
        return sum.Value;
    }

    /// <summary>As <see cref="Value"/>, but null when there is no such series (yet).</summary>
    public double? Sum(string name, params (string Name, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?""")]
    private static partial Regex Label();
}
