using Alerting.Channels;
using Alerting.Channels.DingTalk;
using Alerting.Channels.Email;
using Alerting.Channels.Http;
using Alerting.Channels.Slack;
using Alerting.Channels.Webhook;
using Alerting.Configuration;
using Alerting.Links;
using Alerting.Templating;

namespace Alerting.Notifications;

/// <summary>A notifier with the renderer of its channel's message.</summary>
/// <param name="Destination">Names where it sends (a hash, so no URL token is kept): the circuit breaker's key.</param>
internal sealed record ResolvedNotifier(INotifier Notifier, Func<NotificationData, string> Render)
{
    public string Destination { get; init; } = "";
}

/// <summary>Finds the notifier for a receiver's integration in the running configuration.</summary>
internal sealed class Notifiers(ConfigHolder config, HttpClientProvider clients, RateLimiter limiter, IServiceProvider services, TimeProvider time)
{
    public ResolvedNotifier? Find(string receiver, string integration)
    {
        var current = config.Current.Config;
        var r = current.FindReceiver(receiver);
        var target = r is null ? null : Integrations.Of(r).FirstOrDefault(i => i.Name == integration);
        var resolved = target?.Config switch
        {
            WebhookConfig webhook => new ResolvedNotifier(
                new WebhookNotifier(webhook, clients, time),
                data => WebhookMessage.Serialize(data, webhook.MaxAlerts)),
            DingTalkConfig dingtalk => new ResolvedNotifier(
                new DingTalkNotifier(dingtalk, clients, limiter, (data, links) =>
                {
                    var model = Model(data, links, dingtalk.Language ?? current.Global.Language);
                    return new DingTalkContent(Templates.Render("dingtalk.title", model.Language, model), Templates.Render("dingtalk.markdown", model.Language, model));
                }, time),
                _ => ""),
            SlackConfig slack => new ResolvedNotifier(
                new SlackNotifier(slack, clients, limiter, (data, links) =>
                {
                    var model = Model(data, links, current.Global.Language);
                    return new SlackContent(Templates.Render("slack.title", model.Language, model), Templates.Render("slack.text", model.Language, model));
                }, time),
                _ => ""),
            EmailConfig email => new ResolvedNotifier(
                new EmailNotifier(email, new EmailRenderer((data, links) =>
                {
                    var model = Model(data, links, current.Global.Language);
                    return (Templates.Render("email.subject", model.Language, model).Trim(),
                        Templates.Render("email.text", model.Language, model),
                        Templates.Render("email.html", model.Language, model));
                }), time),
                _ => ""),
            _ => null,
        };
        return resolved is null ? null : resolved with { Destination = DestinationOf(target!.Config) };
    }

    private static string DestinationOf(IIntegrationConfig config)
    {
        var where = config switch
        {
            WebhookConfig w => w.Url ?? w.UrlFile,
            DingTalkConfig d => d.Url ?? d.UrlFile,
            SlackConfig s => s.ApiUrl ?? s.ApiUrlFile,
            EmailConfig e => e.Smarthost,
            _ => null,
        } ?? "";
        return config.GetType().Name + ":" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(where)))[..16];
    }

    private TemplateRenderer Templates => services.GetRequiredService<TemplateRenderer>();

    private TemplateModel Model(NotificationData data, ActionLinks? links, string? language) =>
        TemplateModel.Create(data, links, time.GetUtcNow(), language);
}
