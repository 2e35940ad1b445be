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

/// <summary>What the message can say besides the alerts: Grafana's links per fingerprint, and what people did about the group.</summary>
internal sealed record MessageExtras(
    IReadOnlyDictionary<string, GrafanaLinks> Grafana,
    (string By, DateTimeOffset At)? Acknowledged,
    IReadOnlyList<(string By, DateTimeOffset Until, string Comment)> Silences)
{
    public static readonly MessageExtras None = new(new Dictionary<string, GrafanaLinks>(), null, []);
}

/// <summary>Finds the notifier for a receiver's integration in the running configuration.</summary>
internal sealed class Notifiers(ConfigHolder config, HttpClientProvider clients, RateLimiter limiter, IServiceProvider services, TimeProvider time)
{
    public ResolvedNotifier? Find(string receiver, string integration, MessageExtras? extras = null)
    {
        extras ??= MessageExtras.None;
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
                    var model = Model(data, links, dingtalk.Language ?? r!.Language ?? current.Global.Language, current.Global, extras);
                    return new DingTalkContent(Render("dingtalk.title", dingtalk.Title, model), Render("dingtalk.markdown", dingtalk.Text, model))
                    {
                        Buttons = ButtonTitles.For(model.Language),
                    };
                }, time),
                _ => ""),
            SlackConfig slack => new ResolvedNotifier(
                new SlackNotifier(slack, clients, limiter, (data, links) =>
                {
                    var model = Model(data, links, r!.Language ?? current.Global.Language, current.Global, extras);
                    return new SlackContent(Render("slack.title", slack.Title, model), Render("slack.text", slack.Text, model))
                    {
                        Buttons = ButtonTitles.For(model.Language),
                    };
                }, time),
                _ => ""),
            EmailConfig email => new ResolvedNotifier(
                new EmailNotifier(email, new EmailRenderer((data, links) =>
                {
                    var model = Model(data, links, r!.Language ?? current.Global.Language, current.Global, extras);
                    return (Render("email.subject", email.Headers.GetValueOrDefault("Subject"), model).Trim(),
                        Render("email.text", email.Text, model),
                        Render("email.html", email.Html, model));
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

    /// <summary>
    /// A receiver's own title or text (a Scriban template in its config) when it has one, else the named
    /// template. Either falls back to the default if it fails, so a template bug never loses a message.
    /// </summary>
    private string Render(string name, string? inline, TemplateModel model) =>
        inline is { Length: > 0 } source ? Templates.RenderCustom(source, name, model.Language, model) : Templates.Render(name, model.Language, model);

    private TemplateModel Model(NotificationData data, ActionLinks? links, string? language, GlobalConfig global, MessageExtras extras)
    {
        var zone = TemplateModel.FindTimeZone(global.TimeZone);
        var model = TemplateModel.Create(data, links, time.GetUtcNow(), language, zone, extras.Grafana);
        return model with { Notes = Notes(extras, model.Language, zone) };
    }

    /// <summary>Acknowledgements and silences, in the message's language and time zone.</summary>
    private static List<string> Notes(MessageExtras extras, string language, TimeZoneInfo zone)
    {
        var zh = language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        string At(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm zzz", System.Globalization.CultureInfo.InvariantCulture);
        var notes = new List<string>();
        if (extras.Acknowledged is { } ack)
        {
            notes.Add(zh ? $"已由 {ack.By} 于 {At(ack.At)} 确认" : $"Acknowledged by {ack.By} at {At(ack.At)}");
        }
        foreach (var (by, until, comment) in extras.Silences)
        {
            notes.Add(zh ? $"已由 {by} 静默至 {At(until)}：{comment}" : $"Silenced by {by} until {At(until)}: {comment}");
        }
        return notes;
    }
}
