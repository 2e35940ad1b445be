namespace Alerting.Core.Configuration;

internal sealed partial class ConfigMapper
{
    /// <summary>
    /// <c>escalation:</c> on a route: null when absent (inherited), the steps otherwise (<c>[]</c> switches it off).
    /// Every step names a defined receiver and comes strictly later than the one before.
    /// </summary>
    private List<EscalationStepConfig>? ReadEscalation(MapReader r)
    {
        var present = r.Has("escalation");
        var steps = new List<EscalationStepConfig>();
        TimeSpan? previous = null;
        foreach (var (s, _) in r.MapList("escalation"))
        {
            var after = s.Duration("after");
            var receiver = s.String("receiver");
            if (after is not { } a)
            {
                s.Error("after", "missing after in escalation step");
            }
            else if (a <= TimeSpan.Zero)
            {
                s.Error("after", "after must be greater than zero");
            }
            else if (previous is { } p && a <= p)
            {
                s.Error("after", $"after {Duration.Format(a)} must be later than the previous step's {Duration.Format(p)}");
            }
            if (string.IsNullOrEmpty(receiver))
            {
                s.Error("receiver", "missing receiver in escalation step");
            }
            else if (!_receiverNames.Contains(receiver))
            {
                s.Error("receiver", $"receiver \"{receiver}\" is not defined");
            }
            s.Finish();
            if (after is { } valid && valid > TimeSpan.Zero)
            {
                previous = valid;
            }
            steps.Add(new EscalationStepConfig(after ?? TimeSpan.Zero, receiver ?? "", LoadContext.Line(s.Node)));
        }
        return present ? steps : null;
    }
}
