namespace Alerting.Channels;

/// <summary>The words on a message's action buttons, in the message's language.</summary>
internal sealed record ButtonTitles(string View, string Silence1h, string Silence24h, string Acknowledge)
{
    public static readonly ButtonTitles English = new("View", "Silence 1h", "Silence 24h", "Acknowledge");
    public static readonly ButtonTitles Chinese = new("查看", "静默 1 小时", "静默 24 小时", "确认");

    public static ButtonTitles For(string language) =>
        language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? Chinese : English;
}
