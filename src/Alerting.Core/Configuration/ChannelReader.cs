namespace Alerting.Core.Configuration;

/// <summary>
/// What the loader asks of a channel the host implements: its part of <c>global:</c> and its entries under
/// receivers (<c>ConfigKey</c>). Keys no channel reads stay unknown-field errors, as in Alertmanager.
/// </summary>
internal abstract class ChannelReader
{
    /// <summary>The channel's name in the notification log and in <c>check-config</c>: <c>webhook</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The receiver key of its entries: <c>webhook_configs</c>.</summary>
    public string ConfigKey => Kind + "_configs";

    /// <summary>Keys of its entries whose values the masked YAML hides, with the mask each gets.</summary>
    public virtual IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string>();

    /// <summary>Its <c>global:</c> keys that hold secrets; masked wherever they appear, like the common secret keys.</summary>
    public virtual IReadOnlyCollection<string> GlobalSecretKeys { get; } = [];

    /// <summary>
    /// Reads and validates its own <c>global:</c> keys (null when the file has no <c>global:</c>); the defaults it
    /// returns are kept in <see cref="GlobalConfig.ChannelDefaults"/> for <see cref="Read"/>. Null when it has none.
    /// </summary>
    public virtual object? ReadGlobal(MapReader? global) => null;

    /// <summary>One entry, validated, with the globals filled in; null when it is too broken to keep (its errors are reported).</summary>
    public abstract IntegrationConfig? Read(MapReader entry, GlobalConfig global);
}
