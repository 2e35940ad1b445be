using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Alerting.GoTemplates.Alertmanager;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's defaults, reflection, flow, encoding, hashes, UUIDs and the environment (which templates here do not see).</summary>
internal static class SprigMisc
{
    private static readonly GoType S = GoTypes.String;
    private static readonly GoType A = GoTypes.Any;
    private static readonly GoType As = GoTypes.AnySlice;

    public static IEnumerable<GoFunc> Functions() =>
    [
        new("default", GoSignature.VariadicOf(A, As), a => a.Length < 2 || SprigValues.IsEmpty(a[1]) ? a[0] : a[1]),
        new("empty", GoSignature.Of(A), a => SprigValues.IsEmpty(a[0])),
        new("coalesce", GoSignature.VariadicOf(As), a => a.FirstOrDefault(v => !SprigValues.IsEmpty(v))),
        new("all", GoSignature.VariadicOf(As), a => a.All(v => !SprigValues.IsEmpty(v))),
        new("any", GoSignature.VariadicOf(As), a => a.Any(v => !SprigValues.IsEmpty(v))),
        new("ternary", GoSignature.Of(A, A, GoTypes.Bool), a => (bool)a[2]! ? a[0] : a[1]),
        new("fromJson", GoSignature.Of(S), a => SprigJson.Parse((string)a[0]!, out _)),
        new("mustFromJson", GoSignature.WithError(S), a => SprigJson.Parse((string)a[0]!, out var e) is var v && e is null ? v : throw new GoCallException(e)),
        new("toJson", GoSignature.Of(A), a => Try(() => GoJsonEncoder.Marshal(a[0]))),
        new("mustToJson", GoSignature.WithError(A), a => GoJsonEncoder.Marshal(a[0])),
        new("toPrettyJson", GoSignature.Of(A), a => Try(() => SprigJson.Indent(GoJsonEncoder.Marshal(a[0])))),
        new("mustToPrettyJson", GoSignature.WithError(A), a => SprigJson.Indent(GoJsonEncoder.Marshal(a[0]))),
        new("toRawJson", GoSignature.Of(A), a => SprigJson.Raw(GoJsonEncoder.Marshal(a[0]))),
        new("mustToRawJson", GoSignature.WithError(A), a => SprigJson.Raw(GoJsonEncoder.Marshal(a[0]))),
        new("typeOf", GoSignature.Of(A), a => TypeOf(a[0])),
        new("typeIs", GoSignature.Of(S, A), a => (string)a[0]! == TypeOf(a[1])),
        new("typeIsLike", GoSignature.Of(S, A), a => (string)a[0]! == TypeOf(a[1]) || "*" + (string)a[0]! == TypeOf(a[1])),
        new("kindOf", GoSignature.Of(A), a => SprigValues.KindName(a[0])),
        new("kindIs", GoSignature.Of(S, A), a => (string)a[0]! == SprigValues.KindName(a[1])),
        new("deepEqual", GoSignature.Of(A, A), a => SprigValues.DeepEqual(a[0], a[1])),
        new("fail", GoSignature.WithError(S), a => throw new GoCallException((string)a[0]!)),
        // No environment: templates see no process state (docs/templates.md).
        new("env", GoSignature.Of(S), _ => ""),
        new("expandenv", GoSignature.Of(S), a => ExpandEnv((string)a[0]!)),
        new("b64enc", GoSignature.Of(S), a => Convert.ToBase64String(Encoding.UTF8.GetBytes((string)a[0]!))),
        new("b64dec", GoSignature.Of(S), a => B64Dec((string)a[0]!)),
        new("b32enc", GoSignature.Of(S), a => Base32.Encode(Encoding.UTF8.GetBytes((string)a[0]!))),
        new("b32dec", GoSignature.Of(S), a => Base32.Decode((string)a[0]!)),
        new("sha1sum", GoSignature.Of(S), a => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes((string)a[0]!)))),
        new("sha256sum", GoSignature.Of(S), a => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((string)a[0]!)))),
        new("sha512sum", GoSignature.Of(S), a => Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes((string)a[0]!)))),
        new("adler32sum", GoSignature.Of(S), a => Adler32(Encoding.UTF8.GetBytes((string)a[0]!)).ToString(CultureInfo.InvariantCulture)),
        new("uuidv4", GoSignature.Of(), _ => Guid.NewGuid().ToString()),
    ];

    private static string Try(Func<string> f)
    {
        try
        {
            return f();
        }
        catch (GoCallException)
        {
            return "";
        }
    }

    /// <summary>fmt's %T.</summary>
    private static string TypeOf(object? v) => GoTypes.Of(v)?.Name ?? "<nil>";

    /// <summary>os.ExpandEnv with every variable unset: $NAME and ${NAME} become "".</summary>
    private static string ExpandEnv(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '$' || i + 1 >= s.Length)
            {
                sb.Append(s[i]);
                continue;
            }
            if (s[i + 1] == '{')
            {
                var close = s.IndexOf('}', i + 2);
                if (close < 0)
                {
                    // Go: a bad syntax eats "${" and the rest stays.
                    i++;
                    continue;
                }
                i = close;
                continue;
            }
            var j = i + 1;
            if (s[j] is '*' or '#' or '$' or '@' or '!' or '?' or '-' || char.IsAsciiDigit(s[j]))
            {
                i = j;
                continue;
            }
            while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '_'))
            {
                j++;
            }
            if (j == i + 1)
            {
                sb.Append('$');
                continue;
            }
            i = j - 1;
        }
        return sb.ToString();
    }

    /// <summary>base64.StdEncoding.DecodeString; a bad input gives the error's text, as sprig returns it.</summary>
    private static string B64Dec(string s)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(s));
        }
        catch (FormatException)
        {
            var bad = s.TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/').Count();
            if (bad == s.Length)
            {
                bad = s.Length / 4 * 4;
            }
            return "illegal base64 data at input byte " + bad.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static uint Adler32(byte[] data)
    {
        uint a = 1, b = 0;
        foreach (var x in data)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }
        return (b << 16) | a;
    }

    /// <summary>RFC 4648 base32 with padding (encoding/base32's StdEncoding).</summary>
    private static class Base32
    {
        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

        public static string Encode(byte[] data)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < data.Length; i += 5)
            {
                var n = Math.Min(5, data.Length - i);
                ulong buffer = 0;
                for (var j = 0; j < 5; j++)
                {
                    buffer = (buffer << 8) | (j < n ? data[i + j] : 0UL);
                }
                var chars = (n * 8 + 4) / 5;
                for (var j = 0; j < 8; j++)
                {
                    sb.Append(j < chars ? Alphabet[(int)((buffer >> (35 - (j * 5))) & 31)] : '=');
                }
            }
            return sb.ToString();
        }

        public static string Decode(string s)
        {
            var bytes = new List<byte>();
            ulong buffer = 0;
            var bits = 0;
            var trimmed = s.TrimEnd('=');
            for (var i = 0; i < trimmed.Length; i++)
            {
                var v = Alphabet.IndexOf(trimmed[i], StringComparison.Ordinal);
                if (v < 0 || s.Length % 8 != 0)
                {
                    return "illegal base32 data at input byte " + (v < 0 ? i : s.Length / 8 * 8).ToString(CultureInfo.InvariantCulture);
                }
                buffer = (buffer << 5) | (uint)v;
                bits += 5;
                if (bits >= 8)
                {
                    bits -= 8;
                    bytes.Add((byte)(buffer >> bits));
                }
            }
            return Encoding.UTF8.GetString([.. bytes]);
        }
    }
}
