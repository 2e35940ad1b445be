namespace Alerting.Core.Configuration;

internal sealed partial class ConfigMapper
{
    /// <summary>Alertmanager integrations we do not implement: they load with a warning, never an error. None is left.</summary>
    internal static readonly string[] UnsupportedIntegrationKeys = [];

    private (List<ReceiverConfig>, List<UnsupportedIntegration>) ReadReceivers(MapReader top, GlobalConfig global)
    {
        var receivers = new List<ReceiverConfig>();
        var unsupported = new List<UnsupportedIntegration>();
        foreach (var (r, _) in top.MapList("receivers"))
        {
            var name = r.String("name");
            if (string.IsNullOrEmpty(name))
            {
                r.Error("name", "missing name in receiver");
            }
            else if (!_receiverNames.Add(name))
            {
                r.Error("name", $"notification config name \"{name}\" is not unique");
            }

            var skipped = new List<string>();
            foreach (var key in UnsupportedIntegrationKeys)
            {
                if (r.Take(key) is { } node)
                {
                    skipped.Add(key);
                    unsupported.Add(new UnsupportedIntegration(name ?? "", key, LoadContext.Line(node)));
                    ctx.Warn(r.KeyNode(key), r.Field(key),
                        $"{key} is not supported: receiver \"{name}\" loads, but will not notify through it");
                }
            }

            receivers.Add(new ReceiverConfig
            {
                Name = name ?? "",
                Integrations = [.. channels.SelectMany(c => r.MapList(c.ConfigKey).Select(e => c.Read(e.Item, global))).OfType<IntegrationConfig>()],
                Language = r.Language("language"),
                UnsupportedIntegrations = skipped,
                Line = LoadContext.Line(r.Node),
            });
            r.Finish();
        }
        return (receivers, unsupported);
    }
}
