using System.Globalization;
using Alerting.GoTemplates.Strconv;

namespace Alerting.GoTemplates.Parsing;

internal sealed partial class Lexer
{
    private static readonly Dictionary<string, TokenKind> Keywords = new(StringComparer.Ordinal)
    {
        ["."] = TokenKind.Dot,
        ["block"] = TokenKind.Block,
        ["break"] = TokenKind.Break,
        ["continue"] = TokenKind.Continue,
        ["define"] = TokenKind.Define,
        ["else"] = TokenKind.Else,
        ["end"] = TokenKind.End,
        ["if"] = TokenKind.If,
        ["range"] = TokenKind.Range,
        ["nil"] = TokenKind.Nil,
        ["template"] = TokenKind.Template,
        ["with"] = TokenKind.With,
    };

    private State LexInsideAction()
    {
        var (delim, _) = AtRightDelim();
        if (delim)
        {
            return _parenDepth == 0 ? State.RightDelim : Error("unclosed left paren");
        }
        var r = Next();
        switch (r)
        {
            case Eof:
                return Error("unclosed action");
            case ' ' or '\t' or '\r' or '\n':
                Backup();
                return LexSpace();
            case '=':
                Emit(TokenKind.Assign);
                return State.InsideAction;
            case ':':
                if (Next() != '=')
                {
                    return Error("expected :=");
                }
                Emit(TokenKind.Declare);
                return State.InsideAction;
            case '|':
                Emit(TokenKind.Pipe);
                return State.InsideAction;
            case '"':
                return LexQuote();
            case '`':
                return LexRawQuote();
            case '$':
                return LexVariable();
            case '\'':
                return LexChar();
            case '.':
                if (_pos < _input.Length && _input[_pos] is < '0' or > '9')
                {
                    return LexFieldOrVariable(TokenKind.Field);
                }
                Backup();
                return LexNumber();
            case '+' or '-' or (>= '0' and <= '9'):
                Backup();
                return LexNumber();
            case '(':
                Emit(TokenKind.LeftParen);
                _parenDepth++;
                return State.InsideAction;
            case ')':
                Emit(TokenKind.RightParen);
                _parenDepth--;
                return _parenDepth < 0 ? Error("unexpected right paren " + GoRune(r)) : State.InsideAction;
        }
        if (IsAlphaNumeric(r))
        {
            Backup();
            return LexIdentifier();
        }
        if (r < 0x80 && GoQuote.IsPrint(r))
        {
            Emit(TokenKind.Char);
            return State.InsideAction;
        }
        return Error("unrecognized character in action: " + GoRune(r));
    }

    /// <summary>fmt's %#U: U+0023 '#'.</summary>
    internal static string GoRune(int r)
    {
        var hex = "U+" + r.ToString("X4", CultureInfo.InvariantCulture);
        return GoQuote.IsPrint(r) ? hex + " '" + char.ConvertFromUtf32(r) + "'" : hex;
    }

    private State LexSpace()
    {
        var spaces = 0;
        while (IsSpace(Peek()))
        {
            Next();
            spaces++;
        }
        if (HasRightTrimMarker(_pos - 1) && HasPrefix(_pos - 1 + TrimMarkerLength, RightDelim))
        {
            Backup();
            if (spaces == 1)
            {
                return State.RightDelim;
            }
        }
        Emit(TokenKind.Space);
        return State.InsideAction;
    }

    private State LexIdentifier()
    {
        int r;
        while (IsAlphaNumeric(r = Next()))
        {
        }
        Backup();
        var word = _input[_start.._pos];
        if (!AtTerminator())
        {
            return Error("bad character " + GoRune(r));
        }
        if (Keywords.TryGetValue(word, out var keyword))
        {
            Emit(keyword);
        }
        else if (word[0] == '.')
        {
            Emit(TokenKind.Field);
        }
        else if (word is "true" or "false")
        {
            Emit(TokenKind.Bool);
        }
        else
        {
            Emit(TokenKind.Identifier);
        }
        return State.InsideAction;
    }

    private State LexVariable()
    {
        if (AtTerminator())
        {
            Emit(TokenKind.Variable);
            return State.InsideAction;
        }
        return LexFieldOrVariable(TokenKind.Variable);
    }

    private State LexFieldOrVariable(TokenKind kind)
    {
        if (AtTerminator())
        {
            Emit(kind == TokenKind.Variable ? TokenKind.Variable : TokenKind.Dot);
            return State.InsideAction;
        }
        int r;
        while (IsAlphaNumeric(r = Next()))
        {
        }
        Backup();
        if (!AtTerminator())
        {
            return Error("bad character " + GoRune(r));
        }
        Emit(kind);
        return State.InsideAction;
    }

    private bool AtTerminator()
    {
        var r = Peek();
        if (IsSpace(r))
        {
            return true;
        }
        switch (r)
        {
            case Eof or '.' or ',' or '|' or ':' or ')' or '(':
                return true;
        }
        return r == RightDelim[0];
    }

    private State LexChar()
    {
        while (true)
        {
            var r = Next();
            if (r == '\\')
            {
                r = Next();
                if (r != Eof && r != '\n')
                {
                    continue;
                }
            }
            if (r is Eof or '\n')
            {
                return Error("unterminated character constant");
            }
            if (r == '\'')
            {
                break;
            }
        }
        Emit(TokenKind.CharConstant);
        return State.InsideAction;
    }

    private State LexNumber()
    {
        if (!ScanNumber())
        {
            return Error("bad number syntax: " + GoQuote.Quote(_input[_start.._pos]));
        }
        var sign = Peek();
        if (sign is '+' or '-')
        {
            if (!ScanNumber() || _input[_pos - 1] != 'i')
            {
                return Error("bad number syntax: " + GoQuote.Quote(_input[_start.._pos]));
            }
            Emit(TokenKind.Complex);
        }
        else
        {
            Emit(TokenKind.Number);
        }
        return State.InsideAction;
    }

    private bool ScanNumber()
    {
        Accept("+-");
        var digits = "0123456789_";
        if (Accept("0"))
        {
            if (Accept("xX"))
            {
                digits = "0123456789abcdefABCDEF_";
            }
            else if (Accept("oO"))
            {
                digits = "01234567_";
            }
            else if (Accept("bB"))
            {
                digits = "01_";
            }
        }
        AcceptRun(digits);
        if (Accept("."))
        {
            AcceptRun(digits);
        }
        if (digits.Length == 11 && Accept("eE"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }
        if (digits.Length == 23 && Accept("pP"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }
        Accept("i");
        if (IsAlphaNumeric(Peek()))
        {
            Next();
            return false;
        }
        return true;
    }

    private State LexQuote()
    {
        while (true)
        {
            var r = Next();
            if (r == '\\')
            {
                r = Next();
                if (r != Eof && r != '\n')
                {
                    continue;
                }
            }
            if (r is Eof or '\n')
            {
                return Error("unterminated quoted string");
            }
            if (r == '"')
            {
                break;
            }
        }
        Emit(TokenKind.String);
        return State.InsideAction;
    }

    private State LexRawQuote()
    {
        while (true)
        {
            var r = Next();
            if (r == Eof)
            {
                return Error("unterminated raw quoted string");
            }
            if (r == '`')
            {
                break;
            }
        }
        Emit(TokenKind.RawString);
        return State.InsideAction;
    }
}
