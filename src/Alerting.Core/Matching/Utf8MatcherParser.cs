using System.Text;

namespace Alerting.Core.Matching;

/// <summary>
/// Alertmanager's UTF-8 matchers parser (matcher/parse, the default since 0.27), with its error texts:
/// <c>{"service.name"="api", env=~"prod|staging"}</c>. Names and values are double-quoted (Go escapes) or
/// unquoted without reserved characters; braces are optional, a trailing comma is allowed.
/// </summary>
public static class Utf8MatcherParser
{
    private const string EndOfInput = "end of input";

    /// <summary>Zero or more matchers; throws <see cref="MatcherException"/> with the parser's message.</summary>
    public static Matchers ParseList(string input) => new Parser(input).Parse();

    /// <summary>Exactly one matcher.</summary>
    public static Matcher Parse(string input)
    {
        var matchers = ParseList(input);
        return matchers.Count switch
        {
            1 => matchers[0],
            0 => throw new MatcherException("no matchers"),
            _ => throw new MatcherException($"expected 1 matcher, found {matchers.Count}"),
        };
    }

    /// <summary>A state of the parser's automaton: the next state, or null when done.</summary>
    private delegate State? State();

    private sealed class Parser(string input)
    {
        private readonly Utf8Lexer _lexer = new(input);
        private readonly List<Matcher> _matchers = [];
        private bool _hasOpenBrace;

        public Matchers Parse()
        {
            for (State? state = OpenBrace; state is not null;)
            {
                state = state();
            }
            return new Matchers(_matchers);
        }

        private State? OpenBrace()
        {
            var (open, error) = Accept(TokenKind.OpenBrace);
            if (error is not null)
            {
                return error == EndOfInput ? EndOfFile : throw new MatcherException(error);
            }
            _hasOpenBrace = open;
            var (close, peekError) = AcceptPeek(TokenKind.CloseBrace);
            if (peekError is not null)
            {
                // Nothing after the open brace: the close brace's check says what is missing.
                return peekError == EndOfInput ? CloseBrace : throw new MatcherException(peekError);
            }
            return close ? CloseBrace : Matcher;
        }

        private State? CloseBrace()
        {
            var (_, error) = Expect(TokenKind.CloseBrace);
            if (_hasOpenBrace && error is not null)
            {
                throw new MatcherException($"0:{_lexer.Position.ColumnEnd}: {error}: expected close brace");
            }
            if (!_hasOpenBrace && error is null)
            {
                throw new MatcherException($"0:{_lexer.Position.ColumnEnd}: }}: expected opening brace");
            }
            return EndOfFile;
        }

        private State? Matcher()
        {
            var (t, error) = Expect(TokenKind.Quoted, TokenKind.Unquoted);
            if (error is not null)
            {
                throw new MatcherException($"{error}: expected label name");
            }
            var name = Unquote(t);
            (t, error) = Expect(TokenKind.Equals, TokenKind.NotEquals, TokenKind.Matches, TokenKind.NotMatches);
            if (error is not null)
            {
                throw new MatcherException($"{error}: expected an operator such as '=', '!=', '=~' or '!~'");
            }
            var type = t.Kind switch
            {
                TokenKind.Equals => MatchType.Equal,
                TokenKind.NotEquals => MatchType.NotEqual,
                TokenKind.Matches => MatchType.Regexp,
                _ => MatchType.NotRegexp,
            };
            (t, error) = Expect(TokenKind.Unquoted, TokenKind.Quoted);
            if (error is not null)
            {
                throw new MatcherException($"{error}: expected label value");
            }
            var value = Unquote(t);
            try
            {
                _matchers.Add(Matching.Matcher.Create(type, name, value));
            }
            catch (MatcherException e)
            {
                throw new MatcherException($"failed to create matcher: {e.Message}");
            }
            return EndOfMatcher;
        }

        private State? EndOfMatcher()
        {
            var (t, error) = ExpectPeek(TokenKind.Comma, TokenKind.CloseBrace);
            if (error is not null)
            {
                return error == EndOfInput ? CloseBrace : throw new MatcherException($"{error}: expected a comma or close brace");
            }
            return t.Kind == TokenKind.Comma ? Comma : CloseBrace;
        }

        private State? Comma()
        {
            var (_, error) = Expect(TokenKind.Comma);
            if (error is not null)
            {
                throw new MatcherException($"{error}: expected a comma");
            }
            var (t, peekError) = ExpectPeek(TokenKind.CloseBrace, TokenKind.Unquoted, TokenKind.Quoted);
            if (peekError is not null)
            {
                return peekError == EndOfInput ? CloseBrace : throw new MatcherException($"{peekError}: expected a matcher or close brace after comma");
            }
            return t.Kind == TokenKind.CloseBrace ? CloseBrace : Matcher;
        }

        private State? EndOfFile()
        {
            var (t, error) = _lexer.Scan();
            if (error is not null)
            {
                throw new MatcherException($"{error}: expected end of input");
            }
            if (!t.IsEof)
            {
                throw new MatcherException($"{t.Position.ColumnStart}:{t.Position.ColumnEnd}: {t.Value}: expected end of input");
            }
            return null;
        }

        private (bool Ok, string? Error) Accept(TokenKind kind)
        {
            var (ok, error) = AcceptPeek(kind);
            if (ok)
            {
                _lexer.Scan();
            }
            return (ok, error);
        }

        private (bool Ok, string? Error) AcceptPeek(TokenKind kind)
        {
            var (t, error) = _lexer.Peek();
            return error is not null ? (false, error) : t.IsEof ? (false, EndOfInput) : (t.Kind == kind, null);
        }

        private (Token Token, string? Error) Expect(params TokenKind[] kinds)
        {
            var (t, error) = ExpectPeek(kinds);
            if (error is null)
            {
                _lexer.Scan();
            }
            return (t, error);
        }

        private (Token Token, string? Error) ExpectPeek(params TokenKind[] kinds)
        {
            var (t, error) = _lexer.Peek();
            if (error is not null)
            {
                return (t, error);
            }
            if (t.IsEof)
            {
                return (t, EndOfInput);
            }
            return kinds.Contains(t.Kind) ? (t, null) : (t, $"{t.Position.ColumnStart}:{t.Position.ColumnEnd}: unexpected {t.Value}");
        }

        private static string Unquote(Token t) =>
            t.Kind != TokenKind.Quoted ? t.Value
            : GoUnquote(t.Value) ?? throw new MatcherException($"{t.Position.ColumnStart}:{t.Position.ColumnEnd}: {t.Value}: invalid input");
    }

    /// <summary>
    /// Go's strconv.Unquote of a double-quoted string, then the parser's UTF-8 check: null when either fails.
    /// Escapes: \a \b \f \n \r \t \v \\ \" \xHH \ooo \uHHHH \UHHHHHHHH; a raw newline is refused.
    /// </summary>
    internal static string? GoUnquote(string quoted)
    {
        if (quoted.Length < 2 || quoted[0] != '"' || quoted[^1] != '"')
        {
            return null;
        }
        var s = quoted[1..^1];
        var bytes = new List<byte>(s.Length);
        Span<byte> rune = stackalloc byte[4];
        for (var i = 0; i < s.Length;)
        {
            var c = s[i];
            if (c is '"' or '\n')
            {
                return null;
            }
            if (c != '\\')
            {
                var n = char.IsSurrogatePair(s, i) ? 2 : 1;
                if (n == 1 && char.IsSurrogate(c))
                {
                    return null;
                }
                bytes.AddRange(Encoding.UTF8.GetBytes(s.Substring(i, n)));
                i += n;
                continue;
            }
            if (i + 1 >= s.Length)
            {
                return null;
            }
            var e = s[i + 1];
            i += 2;
            switch (e)
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'n': bytes.Add(10); break;
                case 'r': bytes.Add(13); break;
                case 't': bytes.Add(9); break;
                case 'v': bytes.Add(11); break;
                case '\\' or '"': bytes.Add((byte)e); break;
                case 'x' or 'u' or 'U':
                    var digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + digits > s.Length || !s.Substring(i, digits).All(char.IsAsciiHexDigit))
                    {
                        return null;
                    }
                    var v = Convert.ToUInt32(s.Substring(i, digits), 16);
                    i += digits;
                    if (e == 'x')
                    {
                        bytes.Add((byte)v); // a single byte, possibly not UTF-8
                    }
                    else if (v > 0x10FFFF || (v is >= 0xD800 and <= 0xDFFF))
                    {
                        return null;
                    }
                    else
                    {
                        bytes.AddRange(rune[..new Rune((int)v).EncodeToUtf8(rune)]);
                    }
                    break;
                case >= '0' and <= '7':
                    if (i + 2 > s.Length || s[i] is < '0' or > '7' || s[i + 1] is < '0' or > '7')
                    {
                        return null;
                    }
                    var octal = ((e - '0') << 6) | ((s[i] - '0') << 3) | (s[i + 1] - '0');
                    i += 2;
                    if (octal > 255)
                    {
                        return null;
                    }
                    bytes.Add((byte)octal);
                    break;
                default:
                    return null;
            }
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null; // "quoted string contains invalid UTF-8 code points"
        }
    }
}
