using Alerting.Core.Configuration;

namespace Alerting.Channels;

/// <summary>One configured integration of a receiver, named as Alertmanager names them in its notification log: <c>webhook[0]</c>.</summary>
internal sealed record IntegrationRef(string Name, string Kind, int Index, bool SendResolved, IntegrationConfig Config);

internal static class Integrations
{
    /// <summary>In the receiver's order; each integration's index counts within its kind.</summary>
    public static IEnumerable<IntegrationRef> Of(ReceiverConfig receiver)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in receiver.Integrations)
        {
            var i = counts.GetValueOrDefault(c.Kind);
            counts[c.Kind] = i + 1;
            yield return new IntegrationRef($"{c.Kind}[{i}]", c.Kind, i, c.SendResolved, c);
        }
    }
}
