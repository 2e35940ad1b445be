namespace Alerting.Core.Configuration;

/// <summary>One entry of a receiver's <c>*_configs</c> lists; the host's channels define the concrete records.</summary>
public abstract record IntegrationConfig
{
    /// <summary>The channel, as the notification log names it: <c>webhook</c> in <c>webhook[0]</c>.</summary>
    public abstract string Kind { get; }

    public abstract bool SendResolved { get; init; }

    /// <summary>Line of the integration in the config file, for logs and errors.</summary>
    public int Line { get; init; }
}
