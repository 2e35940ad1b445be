namespace Alerting.Core.Labels;

/// <summary>
/// Label name and value rules: classic names (model.LabelName.IsValid, Alertmanager 0.25 and classic mode), UTF-8
/// names (Alertmanager 0.27+'s default), and UTF-8 values (utf8.ValidString).
/// </summary>
public static class LabelName
{
    /// <summary>UTF-8 names: any non-empty valid UTF-8 (compat.isValidUTF8LabelName).</summary>
    public static bool IsValidUtf8(string name) => name.Length > 0 && IsValidValue(name);

    /// <summary><c>^[a-zA-Z_][a-zA-Z0-9_]*$</c></summary>
    public static bool IsValid(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Valid UTF-8 without NUL: text we can keep. PostgreSQL's text and jsonb cannot hold U+0000, and Go's
    /// senders have no reason to send it; refusing it keeps one bad alert from failing a whole write batch.
    /// </summary>
    public static bool IsValidText(string value) => !value.Contains('\0', StringComparison.Ordinal) && IsValidValue(value);

    /// <summary>True when the string survives a UTF-8 round trip (no lone surrogates).</summary>
    public static bool IsValidValue(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }
                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return false;
            }
        }
        return true;
    }
}
