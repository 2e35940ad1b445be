using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Channels;

/// <summary>
/// The receivers of the golden captures' alertmanager.yml, unmodified: a receiver's block cut out of the file
/// and loaded as a configuration of its own (so the other receivers' files and kinds do not matter).
/// </summary>
internal static class GoldenReceivers
{
    /// <summary>The receiver's lines, <c>  - name: NAME</c> up to the next receiver.</summary>
    public static string Block(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(GoldenCaptures.Folder, "alertmanager.yml"));
        var start = Array.IndexOf(lines, $"  - name: {name}");
        Assert.True(start >= 0, $"no receiver {name} in the golden configuration");
        var end = start + 1;
        while (end < lines.Length && !lines[end].StartsWith("  - name: ", StringComparison.Ordinal))
        {
            end++;
        }
        return string.Join('\n', lines[start..end]);
    }

    /// <summary>A configuration of that receiver alone; <paramref name="rewrite"/> may point its URLs elsewhere.</summary>
    public static string Yaml(string name, Func<string, string>? rewrite = null, string extra = "") =>
        $"route:\n  receiver: {name}\nreceivers:\n{(rewrite ?? (s => s))(Block(name))}\n{extra}";

    public static T Config<T>(string name)
        where T : IntegrationConfig =>
        TestConfig.Load(Yaml(name), "golden.yml").Receivers.Single(r => r.Name == name).Integrations<T>().Single();
}
