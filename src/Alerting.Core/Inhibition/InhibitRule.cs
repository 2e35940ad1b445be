using Alerting.Core.Matching;

namespace Alerting.Core.Inhibition;

/// <summary>An inhibit rule: firing alerts matching the source mute alerts matching the target when the equal labels agree.</summary>
public sealed record InhibitRule(Matchers SourceMatchers, Matchers TargetMatchers, IReadOnlyList<string> Equal);
