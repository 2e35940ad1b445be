using Alerting.Channels;
using Alerting.Channels.Http;
using Alerting.Configuration;
using Alerting.Core.Configuration;
using Alerting.Core.Notifications;
using Alerting.Metrics;
using Alerting.Templating;

namespace Alerting.Delivery;

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
        var running = config.Current;
        var current = running.Config;
        var r = current.FindReceiver(receiver);
        var target = r is null ? null : Integrations.Of(r).FirstOrDefault(i => i.Name == integration);
        if (target is null || ChannelRegistry.Find(target.Kind) is not { } channel)
        {
            return null;
        }
        var goTemplates = channel.SprigFunctions ? running.GoTemplates.Sprig : running.GoTemplates;
        var context = new NotifierContext(clients, limiter, time, (data, links, language) =>
        {
            language ??= r!.Language ?? current.Global.Language;
            // Built when a Scriban template first renders: a message of Go templates alone (the webhook, Alertmanager's
            // receivers) never needs it; building it was 3.8% of a flush storm's CPU samples.
            var model = new Lazy<TemplateModel>(() => Model(data, links, language, current.Global, extras), LazyThreadSafetyMode.None);
            void Failed(string field, Exception e) => TemplateFailed(field, receiver, integration, e);
            var escaped = channel.TemplateData(target.Config, data);
            var go = ReferenceEquals(escaped, data)
                ? new GoFields(goTemplates, data, Failed)
                : new GoFields(goTemplates, escaped, Failed) { Urls = new GoFields(goTemplates, ChatData.SafeUrls(data), Failed) };
            return new MessageTemplates(TemplateModel.LanguageOf(language), (name, inline) => Render(name, inline, model, go))
            {
                Go = go,
                HasOverride = Templates.HasOverride,
            };
        })
        {
            GoTemplates = goTemplates,
            Logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Alerting.Channels"),
        };
        return channel.Notifier(target.Config, context) with
        {
            Destination = DestinationOf(channel, target.Config),
            Config = target.Config,
            SecretFields = [.. channel.SecretKeys.Keys],
        };
    }

    /// <summary>Per integration config object (a reload makes new ones): hashed once, not for every message.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IntegrationConfig, string> Destinations = new();

    private static string DestinationOf(NotificationChannel channel, IntegrationConfig config) =>
        Destinations.GetValue(config, c =>
        {
            var where = channel.Destination(c) ?? "";
            return c.GetType().Name + ":" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(where)))[..16];
        });

    private TemplateRenderer Templates => services.GetRequiredService<TemplateRenderer>();

    /// <summary>
    /// A receiver's own title or text (a Go template in its config, as in Alertmanager) when it has one, else
    /// the named Scriban template. The Go template falls back to the Scriban one if it fails, and that to the
    /// default, so a template bug never loses a message.
    /// </summary>
    private string Render(string name, string? inline, Lazy<TemplateModel> model, GoFields go)
    {
        string Scriban() => Templates.Render(name, model.Value.Language, model.Value);
        if (inline is not { Length: > 0 } source)
        {
            return Scriban();
        }
        return Templates.Catalog.For(name).IsHtml ? go.Html(name, source, Scriban) : go.Text(name, source, Scriban);
    }

    private void TemplateFailed(string field, string receiver, string integration, Exception e)
    {
        services.GetRequiredService<AlertingMetrics>().TemplateFailures.WithLabels(field).Inc();
        services.GetRequiredService<ILogger<Notifiers>>().LogWarning(
            "Go template {Field} of {Receiver}/{Integration} failed ({Error}); its fallback is sent instead", field, receiver, integration, e.Message);
    }

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
