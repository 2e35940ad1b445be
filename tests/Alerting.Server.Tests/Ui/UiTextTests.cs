using System.Text.RegularExpressions;

using Alerting.Infrastructure;

namespace Alerting.Ui;

public sealed partial class UiTextTests
{
    [Theory]
    [InlineData(null, "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN")]
    [InlineData(null, "en-US,en;q=0.9", "en")]
    [InlineData(null, "de-DE,zh-TW;q=0.5", "zh-CN")]
    [InlineData(null, "en;q=0.4,zh;q=0.8", "zh-CN")]
    [InlineData(null, "zh;q=0", "en")]
    [InlineData(null, "", "en")]
    [InlineData("en", "zh-CN", "en")]
    [InlineData("zh-CN", "en-US", "zh-CN")]
    [InlineData("fr", "zh-CN", "zh-CN")]
    public void The_language_is_the_switch_else_the_browser_else_English(string? cookie, string acceptLanguage, string expected) =>
        Assert.Equal(expected, UiText.Negotiate(cookie, acceptLanguage));

    /// <summary>Every phrase a page passes through T[...] or T.Format(...) has a Chinese translation.</summary>
    [Fact]
    public void Every_phrase_of_the_pages_is_translated()
    {
        var root = Path.Combine(TestEnvironment.RepositoryRoot, "src", "Alerting.Server", "Ui");
        var phrases = Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .SelectMany(f => Phrase().Matches(File.ReadAllText(f)).SelectMany(m => m.Groups.Cast<Group>().Skip(1).Where(g => g.Success).Select(g => g.Value)))
            .Select(p => p.Replace("\\\"", "\"", StringComparison.Ordinal))
            .ToHashSet();
        Assert.True(phrases.Count > 150, $"found only {phrases.Count} phrases: the pattern no longer matches the pages");
        Assert.Empty(phrases.Where(p => !UiText.Translated.Contains(p)).Order());
    }

    [GeneratedRegex(@"T\[""((?:[^""\\]|\\.)*)""\]|T\.Format\(""((?:[^""\\]|\\.)*)""|T\.Plural\([^,]+, ""((?:[^""\\]|\\.)*)"", ""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Phrase();
}
