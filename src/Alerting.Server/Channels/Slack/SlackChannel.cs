using Alerting.Core.Configuration;
using Alerting.Templating;

namespace Alerting.Channels.Slack;

/// <summary>Slack incoming webhooks: a title and a text from templates, rate limited per URL.</summary>
internal sealed class SlackChannel : NotificationChannel
{
    public const string Name = "slack";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["api_url"] = SecretMasker.Mask };

    public override IReadOnlyCollection<string> GlobalSecretKeys { get; } = ["slack_api_url"];

    public override IReadOnlyList<ChannelTemplate> Templates { get; } =
    [
        new("slack.title", SlackEscaping.Escape),
        new("slack.text", SlackEscaping.Escape),
    ];

    public override object ReadGlobal(MapReader? global) => SlackDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => SlackConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context)
    {
        var slack = (SlackConfig)config;
        return new ResolvedNotifier(
            new SlackNotifier(slack, context.Clients, context.Limiter, (data, links) =>
            {
                var message = context.Templates(data, links);
                return new SlackContent(message.Render("slack.title", slack.Title), message.Render("slack.text", slack.Text))
                {
                    Buttons = ButtonTitles.For(message.Language),
                };
            }, context.Time),
            _ => "");
    }

    public override string? Destination(IntegrationConfig config) => config is SlackConfig s ? s.ApiUrl ?? s.ApiUrlFile : null;
}
