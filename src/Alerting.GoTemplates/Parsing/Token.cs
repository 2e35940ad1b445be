using Alerting.GoTemplates.Strconv;

namespace Alerting.GoTemplates.Parsing;

/// <summary>Go's itemType; the keywords come after <see cref="Keyword"/>.</summary>
internal enum TokenKind
{
    Error,
    Bool,
    Char,
    CharConstant,
    Comment,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    Keyword,
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

/// <summary>One lexical item: kind, position (UTF-16 index into the text), text and line.</summary>
internal readonly record struct Token(TokenKind Kind, int Pos, string Value, int Line)
{
    /// <summary>As Go's item.String, used in "unexpected ..." parse errors.</summary>
    public override string ToString()
    {
        if (Kind == TokenKind.Eof)
        {
            return "EOF";
        }
        if (Kind == TokenKind.Error)
        {
            return Value;
        }
        if (Kind > TokenKind.Keyword)
        {
            return "<" + Value + ">";
        }
        if (GoQuote.RuneCount(Value) > 10)
        {
            // %.10q: the first ten runes, quoted.
            var end = 0;
            for (var n = 0; n < 10; n++)
            {
                end += GoQuote.RuneAt(Value, end).Width;
            }
            return GoQuote.Quote(Value[..end]) + "...";
        }
        return GoQuote.Quote(Value);
    }
}
