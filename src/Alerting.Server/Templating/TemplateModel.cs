using System.Globalization;
using System.Text.Json;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;

namespace Alerting.Templating;

/// <summary>
/// What a notification template sees: Alertmanager's template data (receiver, status, alerts, group and
/// common labels, ...) plus the action links and values ready for display. Templates see each member in
/// snake_case (<see cref="ScriptModel"/>): <c>CommonLabels</c> is <c>common_labels</c>.
/// </summary>
internal sealed record TemplateModel
{
    public required string Receiver { get; init; }

    /// <summary>"firing" when any alert fires, else "resolved".</summary>
    public required string Status { get; init; }

    public required IReadOnlyList<TemplateAlert> Alerts { get; init; }

    public IReadOnlyList<TemplateAlert> Firing => [.. Alerts.Where(a => a.IsFiring)];

    public IReadOnlyList<TemplateAlert> Resolved => [.. Alerts.Where(a => !a.IsFiring)];

    public required LabelSet GroupLabels { get; init; }

    public required LabelSet CommonLabels { get; init; }

    public required LabelSet CommonAnnotations { get; init; }

    public required string ExternalUrl { get; init; }

    public required string GroupKey { get; init; }

    /// <summary>Alerts left out by max_alerts or by a channel's size limit; templates say "and N more".</summary>
    public int TruncatedAlerts { get; init; }

    /// <summary>View, silence and acknowledge links; null where the sender has none.</summary>
    public TemplateLinks? Links { get; init; }

    /// <summary>The language the message is rendered in, e.g. "en" or "zh-CN".</summary>
    public required string Language { get; init; }

    /// <summary>What people did about this group, shown in its next message: "Acknowledged by …", "Silenced by … until …".</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The IANA id of the zone the <c>*_text</c> times are shown in.</summary>
    public required string TimeZone { get; init; }

    // Display helpers.

    /// <summary>All alerts of the notification, including truncated ones.</summary>
    public int Count => Alerts.Count + TruncatedAlerts;

    public int FiringCount => Alerts.Count(a => a.IsFiring);

    public int ResolvedCount => Alerts.Count(a => !a.IsFiring);

    /// <summary>The common alertname, else the distinct alertnames (at most three) joined with ", ".</summary>
    public required string AlertName { get; init; }

    /// <summary>The common severity label, else the most severe of the alerts' severities.</summary>
    public required string Severity { get; init; }

    /// <summary>The common summary annotation (or message), else the only alert's.</summary>
    public required string Summary { get; init; }

    public required string Description { get; init; }

    /// <summary>Group and common labels that say something: not alertname or severity, shown once for all alerts.</summary>
    public required LabelSet KeyLabels { get; init; }

    /// <summary>The earliest start of the firing alerts, or of all when none fires.</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary><see cref="StartsAt"/> in <see cref="TimeZone"/>, as <c>2024-05-01 20:34:56 +08:00</c>.</summary>
    public required string StartsAtText { get; init; }

    /// <summary>The language a message is written in: the one asked for, else English.</summary>
    public static string LanguageOf(string? language) => string.IsNullOrWhiteSpace(language) ? "en" : language;

    /// <summary>The template data for one notification.</summary>
    /// <param name="now">For durations of firing alerts.</param>
    /// <param name="grafana">Grafana's links per alert fingerprint, where the alert came from Grafana.</param>
    public static TemplateModel Create(
        NotificationData data,
        ActionLinks? links,
        DateTimeOffset now,
        string? language = null,
        TimeZoneInfo? timeZone = null,
        IReadOnlyDictionary<string, GrafanaLinks>? grafana = null)
    {
        var zone = timeZone ?? TimeZoneInfo.Utc;
        var alerts = data.Alerts
            .Select(a => TemplateAlert.Create(a, data.CommonLabels, zone, now, grafana?.GetValueOrDefault(a.Fingerprint), language))
            .ToList();
        // "Since" of a firing group is when its first firing alert started.
        var firing = alerts.Where(a => a.IsFiring).ToList();
        var since = firing.Count > 0 ? firing : alerts;
        var startsAt = since.Count > 0 ? since.Min(a => a.StartsAt) : now;
        return new TemplateModel
        {
            Receiver = data.Receiver,
            Status = data.Status,
            Alerts = alerts,
            GroupLabels = data.GroupLabels,
            CommonLabels = data.CommonLabels,
            CommonAnnotations = data.CommonAnnotations,
            ExternalUrl = data.ExternalUrl,
            GroupKey = data.GroupKey,
            TruncatedAlerts = data.TruncatedAlerts,
            Links = links is null ? null : new TemplateLinks(links.View, links.Silence1h, links.Silence4h, links.Silence24h, links.Acknowledge),
            Language = LanguageOf(language),
            TimeZone = zone.Id,
            AlertName = AlertNameOf(data),
            Severity = data.CommonLabels.Get("severity") is { Length: > 0 } common ? common : MostSevere(data.Alerts),
            Summary = CommonOrOnly(data, "summary") is { Length: > 0 } summary ? summary : CommonOrOnly(data, "message"),
            Description = CommonOrOnly(data, "description"),
            KeyLabels = LabelSet.From(data.GroupLabels.Concat(data.CommonLabels)
                .Where(p => p.Key is not ("alertname" or "severity"))
                .DistinctBy(p => p.Key)),
            StartsAt = startsAt,
            StartsAtText = FormatTime(startsAt, zone),
        };
    }

    /// <summary>Finds an IANA time zone; null or empty is UTC.</summary>
    /// <exception cref="TimeZoneNotFoundException">No such zone on this machine.</exception>
    public static TimeZoneInfo FindTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id is "UTC" or "Etc/UTC")
        {
            return TimeZoneInfo.Utc;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (InvalidTimeZoneException e)
        {
            throw new TimeZoneNotFoundException($"time zone \"{id}\" is invalid: {e.Message}", e);
        }
    }

    internal static string FormatTime(DateTimeOffset time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    private static string AlertNameOf(NotificationData data)
    {
        if (data.GroupLabels.Get("alertname") is { Length: > 0 } grouped)
        {
            return grouped;
        }
        if (data.CommonLabels.Get("alertname") is { Length: > 0 } common)
        {
            return common;
        }
        var names = data.Alerts.Select(a => a.Labels.Get("alertname")).Where(n => n.Length > 0).Distinct().ToList();
        return names.Count <= 3 ? string.Join(", ", names) : string.Join(", ", names.Take(3)) + ", …";
    }

    private static string CommonOrOnly(NotificationData data, string annotation) =>
        data.CommonAnnotations.Get(annotation) is { Length: > 0 } common ? common
        : data.Alerts.Count == 1 ? data.Alerts[0].Annotations.Get(annotation)
        : "";

    // Common spellings, most severe first; anything else ranks below them all.
    private static readonly string[] s_severityOrder = ["critical", "page", "high", "error", "major", "warning", "minor", "medium", "low", "info", "none"];

    private static string MostSevere(IEnumerable<NotificationAlert> alerts) =>
        alerts.Select(a => a.Labels.Get("severity"))
            .Where(s => s.Length > 0)
            .OrderBy(s => Array.IndexOf(s_severityOrder, s.ToLowerInvariant()) is var i and >= 0 ? i : int.MaxValue)
            .FirstOrDefault() ?? "";
}

/// <summary>One alert as templates see it (Alertmanager's template.Alert, plus Grafana's links and display values).</summary>
internal sealed record TemplateAlert
{
    public required string Status { get; init; }

    public required LabelSet Labels { get; init; }

    public required LabelSet Annotations { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Null while firing (Alertmanager shows Go's zero time there).</summary>
    public DateTimeOffset? EndsAt { get; init; }

    public required string GeneratorUrl { get; init; }

    public required string Fingerprint { get; init; }

    public string? DashboardUrl { get; init; }

    public string? PanelUrl { get; init; }

    public string? ValueString { get; init; }

    public bool IsFiring => Status == NotificationStatus.Firing;

    public string Name => Labels.Get("alertname");

    public string Severity => Labels.Get("severity");

    public string Summary => Annotations.Get("summary") is { Length: > 0 } s ? s : Annotations.Get("message");

    public string Description => Annotations.Get("description");

    /// <summary>The labels this alert does not share with every other alert of the notification.</summary>
    public required LabelSet UniqueLabels { get; init; }

    public required string StartsAtText { get; init; }

    public string? EndsAtText { get; init; }

    /// <summary>How long it fired (until now, or until it ended), e.g. "2h 5m".</summary>
    public required string Duration { get; init; }

    internal static TemplateAlert Create(NotificationAlert a, LabelSet common, TimeZoneInfo zone, DateTimeOffset now, GrafanaLinks? grafana, string? language)
    {
        DateTimeOffset? endsAt = a.IsFiring ? null : a.EndsAt;
        return new TemplateAlert
        {
            Status = a.Status,
            Labels = a.Labels,
            Annotations = a.Annotations,
            StartsAt = a.StartsAt,
            EndsAt = endsAt,
            GeneratorUrl = a.GeneratorUrl,
            Fingerprint = a.Fingerprint,
            DashboardUrl = grafana?.DashboardUrl,
            PanelUrl = grafana?.PanelUrl,
            ValueString = grafana?.ValueString,
            UniqueLabels = LabelSet.From(a.Labels.Where(p => p.Key != "alertname" && common.Get(p.Key) != p.Value)),
            StartsAtText = TemplateModel.FormatTime(a.StartsAt, zone),
            EndsAtText = endsAt is { } end ? TemplateModel.FormatTime(end, zone) : null,
            Duration = FormatDuration((endsAt ?? now) - a.StartsAt, language),
        };
    }

    /// <summary>The two largest units: "2h 5m", "3d 4h", "40s"; in Chinese "2小时5分钟".</summary>
    internal static string FormatDuration(TimeSpan d, string? language = null)
    {
        var zh = language?.StartsWith("zh", StringComparison.OrdinalIgnoreCase) == true;
        if (d < TimeSpan.FromMinutes(1))
        {
            return $"{Math.Max(0, (int)d.TotalSeconds)}{(zh ? "秒" : "s")}";
        }
        (int Value, string En, string Zh)[] units = [(d.Days, "d", "天"), (d.Hours, "h", "小时"), (d.Minutes, "m", "分钟")];
        var parts = units.SkipWhile(u => u.Value == 0).Take(2).Where(u => u.Value > 0).Select(u => $"{u.Value}{(zh ? u.Zh : u.En)}");
        return string.Join(zh ? "" : " ", parts);
    }
}

/// <summary>The action links as templates see them: <c>links.view</c>, <c>links.silence_1h</c>, ...</summary>
internal sealed record TemplateLinks(string View, string Silence1h, string Silence4h, string Silence24h, string Acknowledge);

/// <summary>Grafana's per-alert links and value, kept in <c>alerts.extra</c> when the alert came from Grafana.</summary>
internal sealed record GrafanaLinks(string? DashboardUrl, string? PanelUrl, string? ValueString)
{
    /// <summary>Reads the stored <c>extra</c> JSON (dashboardURL, panelURL, valueString); null when it has none of them.</summary>
    public static GrafanaLinks? FromExtra(string? extraJson)
    {
        if (string.IsNullOrEmpty(extraJson))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(extraJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? From(doc.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads the links from a Grafana-style alert object; null when it has none of them.</summary>
    internal static GrafanaLinks? From(JsonElement alert)
    {
        var links = new GrafanaLinks(Text(alert, "dashboardURL"), Text(alert, "panelURL"), Text(alert, "valueString"));
        return links is { DashboardUrl: null, PanelUrl: null, ValueString: null } ? null : links;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
