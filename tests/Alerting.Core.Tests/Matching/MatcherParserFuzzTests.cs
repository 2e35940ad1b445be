using System.Collections.Concurrent;
using System.Diagnostics;
using Alerting.Core.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.Core.Matching;

/// <summary>
/// Mutated matcher lists (the <c>filter=</c> query parameter and amtool's syntax): the parser either refuses with
/// <see cref="MatcherException"/> or gives matchers that print back to text it parses to the same matchers.
/// </summary>
public sealed class MatcherParserFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] s_seeds =
    [
        "{alertname=\"DiskFull\", severity=~\"crit.*\"}",
        "alertname=DiskFull",
        "foo!~\"bar|baz\",env!=prod",
        "{a=\"with \\\"quote\\\", a comma and \\\\ backslash\\nnewline\"}",
        "team=db,instance=~\"db-[0-9]+:9100\"",
        "{}",
        "a:b=\"}{\"",
        "job=~\"(node|blackbox)\", __name__!=\"up\"",
        "{\"service.name\"=\"api\", \"k8s namespace\"=~\"prod|staging\",}",
        "Größe!=\"\\u00e9\\x41\\101\"",
    ];

    [Fact]
    public void Mutated_matchers_parse_or_are_refused_with_a_matcher_error()
    {
        var (seed, cases) = (Mutator.Seed, Mutator.Cases);
        var clock = Stopwatch.StartNew();
        int parsed = 0, refused = 0;
        var failures = new ConcurrentBag<string>();
        // Cases are independent (each has its own generator), so they run on every core.
        Parallel.For(0, cases, i =>
        {
            var mutator = new Mutator(seed, i);
            var input = mutator.MutateText(mutator.Pick(s_seeds));
            if (mutator.Random.Next(2) == 0)
            {
                input = mutator.MutateText(input);
            }
            try
            {
                var matchers = MatcherParser.ParseList(input);
                Interlocked.Increment(ref parsed);
                // What we print (in silences, in logs, to amtool) must read back as the same matchers.
                var again = MatcherParser.ParseList(matchers.ToString());
                if (!again.SequenceEqual(matchers))
                {
                    failures.Add($"case {i}: {Mutator.Shorten(input)} printed as {Mutator.Shorten(matchers.ToString())} reads back as {Mutator.Shorten(again.ToString())}");
                }
            }
            catch (MatcherException)
            {
                Interlocked.Increment(ref refused);
            }
            catch (Exception e)
            {
                failures.Add($"case {i}: {Mutator.Shorten(input)} threw {e.GetType().Name}: {e.Message}");
            }
        });
        output.WriteLine($"fuzz matcher parser (seed {seed}): {cases} cases, {refused} refused, {parsed} parsed, {failures.Count} failures, {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        Assert.True(refused > 0 && parsed > 0, "the mutations should produce both valid and invalid input");
    }

    [Fact]
    public void Mutated_matchers_through_the_utf8_parser_and_its_fallback_parse_or_are_refused_and_print_back()
    {
        var (seed, cases) = (Mutator.Seed, Mutator.Cases);
        var fallback = new MatcherSyntax(MatcherMode.Fallback, _ => { });
        int parsed = 0, refused = 0;
        var failures = new ConcurrentBag<string>();
        Parallel.For(0, cases, i =>
        {
            var mutator = new Mutator(seed, i);
            var input = mutator.MutateText(mutator.Pick(s_seeds));
            try
            {
                fallback.ParseMatchers(input, "fuzz");
                var matchers = Utf8MatcherParser.ParseList(input);
                Interlocked.Increment(ref parsed);
                // Alertmanager's String() of what the UTF-8 parser read is UTF-8 syntax for the same matchers.
                var again = Utf8MatcherParser.ParseList(matchers.ToString());
                if (!again.SequenceEqual(matchers))
                {
                    failures.Add($"case {i}: {Mutator.Shorten(input)} printed as {Mutator.Shorten(matchers.ToString())} reads back as {Mutator.Shorten(again.ToString())}");
                }
            }
            catch (MatcherException)
            {
                Interlocked.Increment(ref refused);
            }
            catch (Exception e)
            {
                failures.Add($"case {i}: {Mutator.Shorten(input)} threw {e.GetType().Name}: {e.Message}");
            }
        });
        output.WriteLine($"fuzz UTF-8 matcher parser (seed {seed}): {cases} cases, {refused} refused, {parsed} parsed, {failures.Count} failures");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        Assert.True(refused > 0 && parsed > 0, "the mutations should produce both valid and invalid input");
    }
}
