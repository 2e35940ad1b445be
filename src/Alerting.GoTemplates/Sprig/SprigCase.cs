using System.Text;

namespace Alerting.GoTemplates.Sprig;

/// <summary>huandu/xstrings' case conversions, for the inputs alert templates meet (identifiers, label names).</summary>
internal static class SprigCase
{
    /// <summary>ToSnakeCase / ToKebabCase: words split at separators and case changes, lower case, joined.</summary>
    public static string Snake(string s, char joiner)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        void Flush()
        {
            if (word.Length > 0)
            {
                words.Add(word.ToString().ToLowerInvariant());
                word.Clear();
            }
        }
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush();
                continue;
            }
            if (word.Length > 0)
            {
                var prev = s[i - 1];
                var next = i + 1 < s.Length ? s[i + 1] : '\0';
                // fooBar | HTTPServer (the S starts a word) | http2xx (digits after letters start a word).
                if ((char.IsUpper(c) && (char.IsLower(prev) || char.IsDigit(prev)))
                    || (char.IsUpper(c) && char.IsUpper(prev) && char.IsLower(next))
                    || (char.IsDigit(c) && char.IsLower(prev) && word.Length > 0 && !HasDigit(word)))
                {
                    Flush();
                }
            }
            word.Append(c);
        }
        Flush();
        return string.Join(joiner, words);

        static bool HasDigit(StringBuilder sb)
        {
            for (var i = 0; i < sb.Length; i++)
            {
                if (char.IsDigit(sb[i]))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>ToCamelCase of xstrings 1.3 (sprig's camelcase): underscores removed, each part's first letter upper case.</summary>
    public static string Camel(string s)
    {
        var sb = new StringBuilder(s.Length);
        var upper = true;
        foreach (var c in s)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }
            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return sb.ToString();
    }
}
