using System.Text;

namespace Alerting.Core.Matching;

internal enum TokenKind
{
    Eof,
    OpenBrace,
    CloseBrace,
    Comma,
    Equals,
    NotEquals,
    Matches,
    NotMatches,
    Quoted,
    Unquoted,
}

/// <summary>Where a token is: offsets into the input (for its text) and rune columns (for messages).</summary>
internal readonly record struct TokenPosition(int OffsetStart, int OffsetEnd, int ColumnStart, int ColumnEnd);

internal readonly record struct Token(TokenKind Kind, string Value, TokenPosition Position)
{
    public bool IsEof => Kind == TokenKind.Eof;
}

/// <summary>
/// Alertmanager's matcher/parse lexer (0.27+), rune by rune with its error texts. Tokens: braces, commas, the four
/// operators, double-quoted text and unquoted text without reserved characters. Once it fails, it keeps failing.
/// </summary>
internal sealed class Utf8Lexer(string input)
{
    private const int Eof = -1;

    private string? _error;
    private int _start;
    private int _pos;
    private int _width;
    private int _column;
    private int _cols;

    public static bool IsReserved(int r) => IsSpace(r) || (r is >= 0 and < 0x80 && "{}!=~,\\\"'`".Contains((char)r, StringComparison.Ordinal));

    /// <summary>Go's unicode.IsSpace: the White_Space property.</summary>
    private static bool IsSpace(int r) => r >= 0 && Rune.IsValid(r) && Rune.IsWhiteSpace(new Rune(r));

    public TokenPosition Position => new(_start, _pos, _column, _cols);

    /// <summary>The next token (Eof at the end), or the lexer's error.</summary>
    public (Token Token, string? Error) Scan()
    {
        var t = default(Token);
        if (_error is not null)
        {
            return (t, _error);
        }
        for (var r = Next(); r != Eof; r = Next())
        {
            switch (r)
            {
                case '{':
                    return (Emit(TokenKind.OpenBrace), null);
                case '}':
                    return (Emit(TokenKind.CloseBrace), null);
                case ',':
                    return (Emit(TokenKind.Comma), null);
                case '=' or '!':
                    Rewind();
                    return Fail(ScanOperator());
                case '"':
                    Rewind();
                    return Fail(ScanQuoted());
                default:
                    if (!IsReserved(r))
                    {
                        Rewind();
                        return (ScanUnquoted(), null);
                    }
                    if (IsSpace(r))
                    {
                        Skip();
                        continue;
                    }
                    _error = $"{_column}:{_cols}: {input[_start.._pos]}: invalid input";
                    return (t, _error);
            }
        }
        return (t, null);
    }

    /// <summary>The next token without consuming it; an error stays the lexer's.</summary>
    public (Token Token, string? Error) Peek()
    {
        var (start, pos, width, column, cols) = (_start, _pos, _width, _column, _cols);
        try
        {
            return Scan();
        }
        finally
        {
            (_start, _pos, _width, _column, _cols) = (start, pos, width, column, cols);
        }
    }

    private (Token, string?) Fail((Token Token, string? Error) result)
    {
        _error = result.Error;
        return result;
    }

    private (Token, string?) ScanOperator()
    {
        if (Accept("!"))
        {
            if (Accept("="))
            {
                return (Emit(TokenKind.NotEquals), null);
            }
            if (Accept("~"))
            {
                return (Emit(TokenKind.NotMatches), null);
            }
            return (default, Expected("=~"));
        }
        if (Accept("="))
        {
            return (Emit(Accept("~") ? TokenKind.Matches : TokenKind.Equals), null);
        }
        return (default, Expected("!="));
    }

    private (Token, string?) ScanQuoted()
    {
        if (!Accept("\""))
        {
            return (default, Expected("\""));
        }
        var escaped = false;
        for (var r = Next(); r != Eof; r = Next())
        {
            if (escaped)
            {
                escaped = false;
            }
            else if (r == '\\')
            {
                escaped = true;
            }
            else if (r == '"')
            {
                Rewind();
                break;
            }
        }
        if (!Accept("\""))
        {
            return (default, $"{_column}:{_cols}: {input[_start.._pos]}: missing end \"");
        }
        return (Emit(TokenKind.Quoted), null);
    }

    private Token ScanUnquoted()
    {
        for (var r = Next(); r != Eof; r = Next())
        {
            if (IsReserved(r))
            {
                Rewind();
                break;
            }
        }
        return Emit(TokenKind.Unquoted);
    }

    private string Expected(string valid) => _pos >= input.Length
        ? $"{_column}:{_cols}: unexpected end of input, expected one of '{valid}'"
        : $"{_column}:{_cols}: {input[_start.._pos]}: expected one of '{valid}'";

    private bool Accept(string valid)
    {
        var r = Next();
        if (r != Eof && r < 0x80 && valid.Contains((char)r, StringComparison.Ordinal))
        {
            return true;
        }
        Rewind();
        return false;
    }

    private Token Emit(TokenKind kind)
    {
        var t = new Token(kind, input[_start.._pos], Position);
        _start = _pos;
        _column = _cols;
        return t;
    }

    /// <summary>The next rune, or Eof; an unpaired surrogate reads as U+FFFD, as Go reads invalid UTF-8.</summary>
    private int Next()
    {
        if (_pos >= input.Length)
        {
            _width = 0;
            return Eof;
        }
        int r;
        if (Rune.DecodeFromUtf16(input.AsSpan(_pos), out var rune, out var width) == System.Buffers.OperationStatus.Done)
        {
            r = rune.Value;
        }
        else
        {
            (r, width) = (0xFFFD, 1);
        }
        _width = width;
        _pos += width;
        _cols++;
        return r;
    }

    private void Rewind()
    {
        _pos -= _width;
        if (_width > 0)
        {
            _cols--;
        }
    }

    private void Skip()
    {
        _start = _pos;
        _column = _cols;
    }
}
