namespace Alerting.Core.Configuration;

internal sealed partial class ConfigMapper
{
    private List<ReceiverConfig> ReadReceivers(MapReader top, GlobalConfig global)
    {
        var receivers = new List<ReceiverConfig>();
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

            receivers.Add(new ReceiverConfig
            {
                Name = name ?? "",
                Integrations = [.. channels.SelectMany(c => r.MapList(c.ConfigKey).Select(e => c.Read(e.Item, global))).OfType<IntegrationConfig>()],
                Language = r.Language("language"),
                Line = LoadContext.Line(r.Node),
            });
            r.Finish();
        }
        return receivers;
    }
}
