using Alerting.Core.Configuration;
using Alerting.GoTemplates;
using YamlDotNet.RepresentationModel;

namespace Alerting.Channels;

/// <summary>
/// A receiver's template fields, which are Go templates as in Alertmanager. Alertmanager loads a field
/// that does not parse and fails when it sends; so a configuration that has one still loads here, with a
/// warning naming the file, line and field, and the message falls back to the field's default when it is sent.
/// </summary>
internal static class TemplateFields
{
    /// <summary>A string key read as a Go template field, checked.</summary>
    public static string? Template(this MapReader r, string key)
    {
        var text = r.String(key);
        Check(r.Context, r.KeyNode(key), r.Field(key), text);
        return text;
    }

    /// <summary>A Go template field of a channel whose templates have sprig's functions (<see cref="NotificationChannel.SprigFunctions"/>).</summary>
    public static string? SprigTemplate(this MapReader r, string key)
    {
        var text = r.String(key);
        if (ParseError(text, sprig: true) is { } error)
        {
            r.Context.Warn(r.KeyNode(key), r.Field(key), $"{error} (the field's default is sent instead)");
        }
        return text;
    }

    /// <summary>Warns when <paramref name="text"/> does not parse as a Go template.</summary>
    public static void Check(LoadContext context, YamlNode node, string field, string? text)
    {
        if (ParseError(text) is { } error)
        {
            context.Warn(node, field, $"{error} (Alertmanager loads this and fails when it sends; the field's default is sent instead)");
        }
    }

    /// <summary>Go's parse error for <paramref name="text"/>, or null when it parses (or is empty).</summary>
    /// <param name="sprig">With sprig's functions and prometheus-webhook-dingtalk's, else Alertmanager's.</param>
    public static string? ParseError(string? text, bool sprig = false)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains("{{", StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            (sprig ? GoTemplateSet.Default.Sprig : GoTemplateSet.Default).Check(text);
            return null;
        }
        catch (GoTemplateException e)
        {
            return e.Message;
        }
    }
}
