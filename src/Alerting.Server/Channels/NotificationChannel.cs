using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Templating;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerting.Channels;

/// <summary>
/// One channel the service implements: how its entries and globals read (the <see cref="ChannelReader"/> part),
/// how its notifier is built, where it sends, and which templates it renders. <see cref="ChannelRegistry"/> lists them.
/// </summary>
internal abstract class NotificationChannel : ChannelReader
{
    /// <summary>The templates its messages are rendered from, each with how alert data is escaped for it.</summary>
    public virtual IReadOnlyList<ChannelTemplate> Templates { get; } = [];

    /// <summary>
    /// Whether its Go template fields run as prometheus-webhook-dingtalk runs them (<see cref="GoTemplateSet.Sprig"/>:
    /// sprig's functions and that project's default templates); Alertmanager's receivers keep Alertmanager's.
    /// </summary>
    public virtual bool SprigFunctions => false;

    /// <summary>
    /// The data its Go template fields see (<see cref="MessageTemplates.Go"/>): a chat channel escapes what the alert's
    /// sender wrote for its markup (<see cref="ChatData"/>); others see the data as it is.
    /// </summary>
    public virtual NotificationData TemplateData(IntegrationConfig config, NotificationData data) => data;

    /// <summary>The notifier for one of its configs, with the renderer of the body the engine hands it.</summary>
    public abstract ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context);

    /// <summary>Where it sends (a URL, the file holding one, a smarthost): hashed into the circuit breaker's key.</summary>
    public abstract string? Destination(IntegrationConfig config);
}

/// <summary>What a notifier is built with: the shared HTTP clients, rate limiter and clock, and its messages' templates.</summary>
internal sealed class NotifierContext(
    HttpClientProvider clients, RateLimiter limiter, TimeProvider time, Func<NotificationData, ActionLinks?, string?, MessageTemplates> templates)
{
    public HttpClientProvider Clients => clients;

    public RateLimiter Limiter => limiter;

    public TimeProvider Time => time;

    /// <summary>
    /// The running configuration's Go templates (Alertmanager's and the <c>templates:</c> files): a notifier
    /// expands its fields with <c>new TemplateExpander(GoTemplates, data)</c> where Alertmanager calls tmpl().
    /// </summary>
    public GoTemplateSet GoTemplates { get; init; } = GoTemplateSet.Default;

    /// <summary>Where a notifier says what Alertmanager would log as it sends (a text cut to a receiver's limit).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>One message's templates, in <paramref name="language"/> when the integration sets one, else the receiver's.</summary>
    public MessageTemplates Templates(NotificationData data, ActionLinks? links, string? language = null) => templates(data, links, language);
}

/// <summary>
/// One message's templates in its language. <see cref="Render"/>: the receiver's own field, a Go template,
/// when it has one (falling back to the named template if it fails), else the named Scriban template.
/// </summary>
internal sealed class MessageTemplates(string language, Func<string, string?, string> render)
{
    public string Language => language;

    /// <summary>The message's Go template fields, over the running configuration's Go templates.</summary>
    public required GoFields Go { get; init; }

    /// <summary>Whether the <c>templates:</c> globs hold a Scriban file of that template name (<c>slack.text.sbn</c>).</summary>
    public Func<string, bool> HasOverride { get; init; } = _ => false;

    public string Render(string name, string? inline) => render(name, inline);
}

/// <summary>A notifier with the renderer of its channel's message.</summary>
/// <param name="Destination">Names where it sends (a hash, so no URL token is kept): the circuit breaker's key.</param>
internal sealed record ResolvedNotifier(INotifier Notifier, Func<NotificationData, string> Render)
{
    public string Destination { get; init; } = "";

    /// <summary>The config it was built from, whose secrets are scrubbed from its errors (<see cref="Http.ReceiverSecrets"/>).</summary>
    public IntegrationConfig? Config { get; init; }

    /// <summary>The channel's YAML keys whose whole value is a secret (<see cref="ChannelReader.SecretKeys"/>).</summary>
    public IReadOnlyCollection<string> SecretFields { get; init; } = [];
}
