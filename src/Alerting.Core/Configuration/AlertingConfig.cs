using Alerting.Core.Matching;
using Alerting.Core.TimeIntervals;

namespace Alerting.Core.Configuration;

/// <summary>A loaded and validated configuration: Alertmanager 0.25's alertmanager.yml plus our extensions.</summary>
public sealed record AlertingConfig
{
    public required GlobalConfig Global { get; init; }

    public required RouteConfig RootRoute { get; init; }

    public IReadOnlyList<InhibitRuleConfig> InhibitRules { get; init; } = [];

    public IReadOnlyList<ReceiverConfig> Receivers { get; init; } = [];

    /// <summary>The older <c>mute_time_intervals</c> entries first, then <c>time_intervals</c>; one namespace.</summary>
    public IReadOnlyList<TimeIntervalConfig> TimeIntervals { get; init; } = [];

    /// <summary>Template globs; relative ones are resolved against the config file's folder by LoadFile.</summary>
    public IReadOnlyList<string> Templates { get; init; } = [];

    public ServerConfig Server { get; init; } = ServerConfig.Default;

    /// <summary>Alertmanager's <c>tracing:</c> section; null when absent.</summary>
    public TracingConfig? Tracing { get; init; }

    public string FileName { get; init; } = "";

    /// <summary>The raw text, as read.</summary>
    public string Original { get; init; } = "";

    /// <summary>Lower-case hex SHA-256 of the UTF-8 raw text.</summary>
    public string Hash { get; init; } = "";

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// The configuration re-emitted with every secret replaced by <c>&lt;secret&gt;</c> and the <c>server:</c> and <c>tracing:</c> sections
    /// removed; what the status API shows and what amtool parses.
    /// </summary>
    public string MaskedYaml { get; init; } = "";

    public ReceiverConfig? FindReceiver(string name) => Receivers.FirstOrDefault(r => r.Name == name);

    public TimeIntervalConfig? FindTimeInterval(string name) => TimeIntervals.FirstOrDefault(t => t.Name == name);
}

public sealed record GlobalConfig
{
    public static readonly GlobalConfig Default = new();

    public TimeSpan ResolveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Used by the integrations that take an http_config and have none of their own.</summary>
    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    /// <summary>Our extension: the language of default notification texts, e.g. "en" or "zh-CN".</summary>
    public string? Language { get; init; }

    /// <summary>Our extension: the IANA time zone times are shown in, in messages (default UTC).</summary>
    public string? TimeZone { get; init; }

    /// <summary>The channels' own <c>global:</c> defaults (smtp_* and the like), as each channel's reader returned them.</summary>
    public IReadOnlyList<object> ChannelDefaults { get; init; } = [];

    public T? DefaultsOf<T>()
        where T : class => ChannelDefaults.OfType<T>().FirstOrDefault();
}

/// <summary>One node of the routing tree as written; <see cref="Routing.Route"/> resolves inheritance.</summary>
public sealed record RouteConfig
{
    public string? Receiver { get; init; }

    /// <summary>Label names to group by; null inherits the parent's (also for <c>['...']</c> and <c>[]</c>, as in Alertmanager).</summary>
    public IReadOnlyList<string>? GroupBy { get; init; }

    /// <summary><c>group_by: ['...']</c>: group by all labels.</summary>
    public bool GroupByAll { get; init; }

    public bool Continue { get; init; }

    /// <summary><c>matchers</c>, <c>match</c> (as =) and <c>match_re</c> (as =~, anchored as Alertmanager does), sorted.</summary>
    public Matchers Matchers { get; init; } = Matchers.None;

    public TimeSpan? GroupWait { get; init; }

    public TimeSpan? GroupInterval { get; init; }

    public TimeSpan? RepeatInterval { get; init; }

    public IReadOnlyList<string> MuteTimeIntervals { get; init; } = [];

    public IReadOnlyList<string> ActiveTimeIntervals { get; init; } = [];

    /// <summary>
    /// <c>escalation:</c>, steps in order of <c>after</c>; null inherits the parent's, an empty list switches escalation
    /// off for this route and below. Not Alertmanager's: left out of what amtool sees.
    /// </summary>
    public IReadOnlyList<EscalationStepConfig>? Escalation { get; init; }

    public IReadOnlyList<RouteConfig> Routes { get; init; } = [];

    public int Line { get; init; }
}

/// <summary>One escalation step: if the group is still firing and unacknowledged <paramref name="After"/> its first notification, tell <paramref name="Receiver"/>.</summary>
public sealed record EscalationStepConfig(TimeSpan After, string Receiver, int Line);

public sealed record InhibitRuleConfig
{
    public Matchers SourceMatchers { get; init; } = Matchers.None;

    public Matchers TargetMatchers { get; init; } = Matchers.None;

    public IReadOnlyList<string> Equal { get; init; } = [];

    public int Line { get; init; }
}

public sealed record ReceiverConfig
{
    public required string Name { get; init; }

    /// <summary>The integrations that notify: by channel in the order the host lists its channels, each in file order.</summary>
    public IReadOnlyList<IntegrationConfig> Integrations { get; init; } = [];

    /// <summary>Our extension: the language of this receiver's messages (en, zh-CN); global.language otherwise.</summary>
    public string? Language { get; init; }

    public int Line { get; init; }

    /// <summary>How many integrations will actually notify.</summary>
    public int IntegrationCount => Integrations.Count;
}
