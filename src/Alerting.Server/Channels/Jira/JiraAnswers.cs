using System.Text.Json;

namespace Alerting.Channels.Jira;

/// <summary>An issue the search found: its key and its status category (null when the answer had no status).</summary>
internal sealed record JiraFoundIssue(string Key, string? StatusCategory)
{
    public bool Done => StatusCategory == "done";
}

/// <summary>Reads Jira's answers as Go's json.Unmarshal reads them into Alertmanager's types (names without regard to case).</summary>
internal static class JiraAnswers
{
    /// <summary>The first issue of a search answer (Jira orders them as the JQL asks), or null.</summary>
    public static JiraFoundIssue? FirstIssue(string body)
    {
        using var document = JsonDocument.Parse(body);
        if (Member(document.RootElement, "issues") is not { ValueKind: JsonValueKind.Array } issues || issues.GetArrayLength() == 0)
        {
            return null;
        }
        var issue = issues[0];
        var key = Member(issue, "key") is { ValueKind: JsonValueKind.String } k ? k.GetString()! : "";
        var status = Member(issue, "fields") is { } fields ? Member(fields, "status") : null;
        var category = status is { ValueKind: JsonValueKind.Object } s
            ? Member(s, "statusCategory") is { } c && Member(c, "key") is { ValueKind: JsonValueKind.String } ck ? ck.GetString() : ""
            : null;
        return new JiraFoundIssue(key, category);
    }

    /// <summary>The id of the transition named <paramref name="name"/> (exactly), or null.</summary>
    public static string? TransitionId(string body, string name)
    {
        using var document = JsonDocument.Parse(body);
        if (Member(document.RootElement, "transitions") is not { ValueKind: JsonValueKind.Array } transitions)
        {
            return null;
        }
        foreach (var t in transitions.EnumerateArray())
        {
            if (Member(t, "name") is { ValueKind: JsonValueKind.String } n && n.GetString() == name)
            {
                return Member(t, "id") is { ValueKind: JsonValueKind.String } id ? id.GetString() : "";
            }
        }
        return null;
    }

    /// <summary>A member by exact name, else the last one matching without regard to case; null for absent or JSON null.</summary>
    private static JsonElement? Member(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            if (element.ValueKind is JsonValueKind.Null)
            {
                return null;
            }
            throw new JsonException($"json: cannot unmarshal {element.ValueKind.ToString().ToLowerInvariant()} into a Go struct");
        }
        JsonElement? found = null;
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals(name))
            {
                found = property.Value;
            }
            else if (found is null && property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                found = property.Value;
            }
        }
        return found is { ValueKind: JsonValueKind.Null } ? null : found;
    }
}
