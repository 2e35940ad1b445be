using System.Globalization;

namespace Alerting.GoTemplates.Parsing;

/// <summary>
/// Go 1.19's text/template lexer: the whole input is scanned up front into tokens; an error token ends the
/// stream, as the Go lexer stops at its first error.
/// </summary>
internal sealed partial class Lexer
{
    private const string LeftDelim = "{{";
    private const string RightDelim = "}}";
    private const string LeftComment = "/*";
    private const string RightComment = "*/";
    private const int TrimMarkerLength = 2;

    private readonly string _input;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _start;
    private int _line = 1;
    private int _startLine = 1;
    private int _parenDepth;

    private Lexer(string input) => _input = input;

    private enum State
    {
        Text,
        LeftDelim,
        Comment,
        RightDelim,
        InsideAction,
        Done,
    }

    public static List<Token> Tokenize(string input)
    {
        var lexer = new Lexer(input);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        var state = State.Text;
        while (state != State.Done)
        {
            state = state switch
            {
                State.Text => LexText(),
                State.LeftDelim => LexLeftDelim(),
                State.Comment => LexComment(),
                State.RightDelim => LexRightDelim(),
                _ => LexInsideAction(),
            };
        }
    }

    private const int Eof = -1;

    private int Next()
    {
        if (_pos >= _input.Length)
        {
            _width = 0;
            return Eof;
        }
        var c = _input[_pos];
        if (char.IsHighSurrogate(c) && _pos + 1 < _input.Length && char.IsLowSurrogate(_input[_pos + 1]))
        {
            _width = 2;
            _pos += 2;
            return char.ConvertToUtf32(c, _input[_pos - 1]);
        }
        _width = 1;
        _pos++;
        if (c == '\n')
        {
            _line++;
        }
        return c;
    }

    private int _width;

    private int Peek()
    {
        var r = Next();
        Backup();
        return r;
    }

    private void Backup()
    {
        _pos -= _width;
        if (_width == 1 && _input[_pos] == '\n')
        {
            _line--;
        }
    }

    private void Emit(TokenKind kind)
    {
        _tokens.Add(new Token(kind, _start, _input[_start.._pos], _startLine));
        _start = _pos;
        _startLine = _line;
    }

    private void Ignore()
    {
        _line += CountNewlines(_start, _pos);
        _start = _pos;
        _startLine = _line;
    }

    private int CountNewlines(int from, int to)
    {
        var n = 0;
        for (var i = from; i < to; i++)
        {
            if (_input[i] == '\n')
            {
                n++;
            }
        }
        return n;
    }

    private bool Accept(string valid)
    {
        var r = Next();
        if (r >= 0 && valid.Contains((char)r, StringComparison.Ordinal) && r < 0x10000)
        {
            return true;
        }
        Backup();
        return false;
    }

    private void AcceptRun(string valid)
    {
        while (Accept(valid))
        {
        }
    }

    private State Error(string message)
    {
        _tokens.Add(new Token(TokenKind.Error, _start, message, _startLine));
        return State.Done;
    }

    private bool HasPrefix(int at, string prefix) =>
        at <= _input.Length && string.CompareOrdinal(_input, at, prefix, 0, prefix.Length) == 0 && _input.Length - at >= prefix.Length;

    private static bool IsSpace(int r) => r is ' ' or '\t' or '\r' or '\n';

    private static bool IsAlphaNumeric(int r) =>
        r == '_' || (r >= 0 && (IsLetter(r) || IsDigit(r)));

    private static bool IsLetter(int r) =>
        r < 0x80 ? r is >= 'a' and <= 'z' or >= 'A' and <= 'Z' : CharUnicodeInfo.GetUnicodeCategory(r) is
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;

    private static bool IsDigit(int r) =>
        r < 0x80 ? r is >= '0' and <= '9' : CharUnicodeInfo.GetUnicodeCategory(r) == UnicodeCategory.DecimalDigitNumber;

    private bool HasLeftTrimMarker(int at) =>
        _input.Length - at >= 2 && _input[at] == '-' && IsSpace(_input[at + 1]);

    private bool HasRightTrimMarker(int at) =>
        at >= 0 && _input.Length - at >= 2 && IsSpace(_input[at]) && _input[at + 1] == '-';

    private (bool AtDelim, bool Trim) AtRightDelim()
    {
        if (HasRightTrimMarker(_pos) && HasPrefix(_pos + TrimMarkerLength, RightDelim))
        {
            return (true, true);
        }
        return HasPrefix(_pos, RightDelim) ? (true, false) : (false, false);
    }

    private int RightTrimLength(int from, int to)
    {
        var n = 0;
        while (to - n > from && IsSpace(_input[to - n - 1]))
        {
            n++;
        }
        return n;
    }

    private int LeftTrimLength(int from)
    {
        var n = 0;
        while (from + n < _input.Length && IsSpace(_input[from + n]))
        {
            n++;
        }
        return n;
    }

    private State LexText()
    {
        _width = 0;
        var x = _input.IndexOf(LeftDelim, _pos, StringComparison.Ordinal);
        if (x >= 0)
        {
            _pos = x;
            var trimLength = HasLeftTrimMarker(_pos + LeftDelim.Length) ? RightTrimLength(_start, _pos) : 0;
            _pos -= trimLength;
            if (_pos > _start)
            {
                _line += CountNewlines(_start, _pos);
                Emit(TokenKind.Text);
            }
            _pos += trimLength;
            Ignore();
            return State.LeftDelim;
        }
        _pos = _input.Length;
        if (_pos > _start)
        {
            _line += CountNewlines(_start, _pos);
            Emit(TokenKind.Text);
        }
        Emit(TokenKind.Eof);
        return State.Done;
    }

    private State LexLeftDelim()
    {
        _pos += LeftDelim.Length;
        var trim = HasLeftTrimMarker(_pos);
        var afterMarker = trim ? TrimMarkerLength : 0;
        if (HasPrefix(_pos + afterMarker, LeftComment))
        {
            _pos += afterMarker;
            Ignore();
            return State.Comment;
        }
        Emit(TokenKind.LeftDelim);
        _pos += afterMarker;
        Ignore();
        _parenDepth = 0;
        return State.InsideAction;
    }

    private State LexComment()
    {
        _pos += LeftComment.Length;
        var x = _input.IndexOf(RightComment, _pos, StringComparison.Ordinal);
        if (x < 0)
        {
            return Error("unclosed comment");
        }
        _pos = x + RightComment.Length;
        var (delim, trim) = AtRightDelim();
        if (!delim)
        {
            return Error("comment ends before closing delimiter");
        }
        // Comments are not kept (Go keeps them only in ParseComments mode).
        if (trim)
        {
            _pos += TrimMarkerLength;
        }
        _pos += RightDelim.Length;
        if (trim)
        {
            _pos += LeftTrimLength(_pos);
        }
        Ignore();
        return State.Text;
    }

    private State LexRightDelim()
    {
        var trim = HasRightTrimMarker(_pos);
        if (trim)
        {
            _pos += TrimMarkerLength;
            Ignore();
        }
        _pos += RightDelim.Length;
        Emit(TokenKind.RightDelim);
        if (trim)
        {
            _pos += LeftTrimLength(_pos);
            Ignore();
        }
        return State.Text;
    }
}
