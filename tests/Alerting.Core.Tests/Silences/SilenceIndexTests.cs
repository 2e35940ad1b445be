using Alerting.Core.Labels;
using Alerting.Core.Matching;

namespace Alerting.Core.Silences;

public sealed class SilenceIndexTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static Silence Make(string matchers) =>
        new(Guid.NewGuid(), MatcherParser.ParseList(matchers), Now, Now.AddHours(1), Now, "me", matchers);

    private static LabelSet Labels(params (string Name, string Value)[] pairs) =>
        LabelSet.From(pairs.Select(p => KeyValuePair.Create(p.Name, p.Value)));

    [Fact]
    public void Finds_what_checking_every_silence_finds_in_the_given_order()
    {
        var silences = new List<Silence>
        {
            Make("alertname=Disk,instance=a"),
            Make("instance=~\"a|b\""),
            Make("job!=node"),
            Make("team=\"\",alertname=Disk"),
            Make("alertname=Disk"),
            Make("env=\"\""),
            Make("alertname=Cpu,job=~\"no.*\""),
            Make("instance!~\"c\",alertname=~\"D.*\""),
        };
        var index = new SilenceIndex(silences);
        var random = new Random(7);
        string[] names = ["alertname", "instance", "job", "team", "env"];
        string[][] values = [["Disk", "Cpu", ""], ["a", "b", "c", ""], ["node", "api", ""], ["db", ""], ["prod", ""]];
        var nonEmptyResults = 0;
        for (var n = 0; n < 2000; n++)
        {
            var pairs = new List<(string, string)>();
            for (var i = 0; i < names.Length; i++)
            {
                var v = values[i][random.Next(values[i].Length)];
                if (v.Length > 0)
                {
                    pairs.Add((names[i], v));
                }
            }
            var labels = Labels([.. pairs]);
            var expected = silences.Where(s => s.Matchers.Matches(labels)).ToList();
            var actual = index.Matching(labels);
            Assert.Equal(expected, actual);
            nonEmptyResults += expected.Count > 1 ? 1 : 0;
        }
        // The comparison means something only if many label sets hit several silences.
        Assert.True(nonEmptyResults > 200, $"{nonEmptyResults}");
    }

    [Fact]
    public void An_empty_value_matches_a_missing_label_and_is_not_used_as_a_key()
    {
        var index = new SilenceIndex([Make("team=\"\",alertname=Disk")]);
        Assert.Single(index.Matching(Labels(("alertname", "Disk"))));
        Assert.Empty(index.Matching(Labels(("alertname", "Disk"), ("team", "db"))));
        Assert.Empty(index.Matching(Labels(("alertname", "Cpu"))));
    }
}
