using System.Globalization;
using System.Numerics;
using Alerting.GoTemplates.Strconv;

namespace Alerting.GoTemplates.Parsing;

internal sealed partial class Parser
{
    private Node? Operand()
    {
        var node = Term();
        if (node is null)
        {
            return null;
        }
        if (Peek().Kind == TokenKind.Field)
        {
            var chain = new ChainNode(Peek().Pos, _tree, node);
            while (Peek().Kind == TokenKind.Field)
            {
                chain.Field.Add(Next().Value[1..]);
            }
            switch (node)
            {
                case FieldNode field:
                    return new FieldNode(chain.Pos, _tree, [.. field.Ident, .. chain.Field]);
                case VariableNode variable:
                    return new VariableNode(chain.Pos, _tree, [.. variable.Ident, .. chain.Field]);
                case BoolNode or StringNode or NumberNode or NilNode or DotNode:
                    throw Error($"unexpected . after term {GoQuote.Quote(node.ToString())}");
                default:
                    return chain;
            }
        }
        return node;
    }

    private Node? Term()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                if (!_hasFunction(token.Value))
                {
                    throw Error($"function {GoQuote.Quote(token.Value)} not defined");
                }
                return new IdentifierNode(token.Pos, _tree, token.Value);
            case TokenKind.Dot:
                return new DotNode(token.Pos, _tree);
            case TokenKind.Nil:
                return new NilNode(token.Pos, _tree);
            case TokenKind.Variable:
                var variable = new VariableNode(token.Pos, _tree, token.Value.Split('.'));
                if (!_vars.Contains(variable.Ident[0]))
                {
                    throw Error($"undefined variable {GoQuote.Quote(variable.Ident[0])}");
                }
                return variable;
            case TokenKind.Field:
                return new FieldNode(token.Pos, _tree, token.Value[1..].Split('.'));
            case TokenKind.Bool:
                return new BoolNode(token.Pos, _tree, token.Value == "true");
            case TokenKind.CharConstant or TokenKind.Complex or TokenKind.Number:
                return NewNumber(token);
            case TokenKind.LeftParen:
                return Pipeline("parenthesized pipeline", TokenKind.RightParen);
            case TokenKind.String or TokenKind.RawString:
                var text = GoUnquote.Unquote(token.Value) ?? throw Error(GoUnquote.SyntaxError);
                return new StringNode(token.Pos, _tree, token.Value, text);
        }
        Backup();
        return null;
    }

    private NumberNode NewNumber(Token token)
    {
        var text = token.Value;
        var n = new NumberNode(token.Pos, _tree, text);
        if (token.Kind == TokenKind.CharConstant)
        {
            if (!GoUnquote.UnquoteChar(text[1..], text[0], out var rune, out _, out var tail))
            {
                throw Error(GoUnquote.SyntaxError);
            }
            if (tail != "'")
            {
                throw Error($"malformed character constant: {text}");
            }
            n.Int64 = rune;
            n.IsInt = true;
            n.Uint64 = (ulong)rune;
            n.IsUint = true;
            n.Float64 = rune;
            n.IsFloat = true;
            return n;
        }
        if (token.Kind == TokenKind.Complex)
        {
            n.Complex128 = ParseComplex(text) ?? throw Error(SscanError(text));
            n.IsComplex = true;
            SimplifyComplex(n);
            return n;
        }
        if (text.Length > 0 && text[^1] == 'i' && GoParse.TryParseFloat(text[..^1], out var imaginary))
        {
            n.IsComplex = true;
            n.Complex128 = new Complex(0, imaginary);
            SimplifyComplex(n);
            return n;
        }
        var isUint = GoParse.TryParseUint(text, out var u);
        if (isUint)
        {
            n.IsUint = true;
            n.Uint64 = u;
        }
        if (GoParse.TryParseInt(text, out var i))
        {
            n.IsInt = true;
            n.Int64 = i;
            if (i == 0)
            {
                n.IsUint = true;
                n.Uint64 = u;
            }
        }
        if (n.IsInt)
        {
            n.IsFloat = true;
            n.Float64 = n.Int64;
        }
        else if (n.IsUint)
        {
            n.IsFloat = true;
            n.Float64 = n.Uint64;
        }
        else if (GoParse.TryParseFloat(text, out var f))
        {
            if (text.AsSpan().IndexOfAny(".eEpP") < 0)
            {
                throw Error($"integer overflow: {GoQuote.Quote(text)}");
            }
            n.IsFloat = true;
            n.Float64 = f;
            if (!n.IsInt && Math.Abs(f) < 9.2e18 && Math.Truncate(f) == f)
            {
                n.IsInt = true;
                n.Int64 = (long)f;
            }
            if (!n.IsUint && f >= 0 && f < 1.8e19 && Math.Truncate(f) == f)
            {
                n.IsUint = true;
                n.Uint64 = (ulong)f;
            }
        }
        if (!n.IsInt && !n.IsUint && !n.IsFloat)
        {
            throw Error($"illegal number syntax: {GoQuote.Quote(text)}");
        }
        return n;
    }

    private static void SimplifyComplex(NumberNode n)
    {
        n.IsFloat = n.Complex128.Imaginary == 0;
        if (!n.IsFloat)
        {
            return;
        }
        var f = n.Complex128.Real;
        n.Float64 = f;
        n.IsInt = Math.Abs(f) < 9.2e18 && Math.Truncate(f) == f;
        if (n.IsInt)
        {
            n.Int64 = (long)f;
        }
        n.IsUint = f >= 0 && f < 1.8e19 && Math.Truncate(f) == f;
        if (n.IsUint)
        {
            n.Uint64 = (ulong)f;
        }
    }

    // fmt.Sscan of a complex "1+2i": a real part, a signed imaginary part ending in i.
    private static Complex? ParseComplex(string text)
    {
        for (var i = text.Length - 2; i > 0; i--)
        {
            if (text[i] is '+' or '-' && (text[i - 1] | 0x20) is not 'e' and not 'p')
            {
                if (GoParse.TryParseFloat(text[..i], out var re) && GoParse.TryParseFloat(text[i..^1], out var im))
                {
                    return new Complex(re, im);
                }
                return null;
            }
        }
        return null;
    }

    private static string SscanError(string text) =>
        string.Create(CultureInfo.InvariantCulture, $"strconv.ParseFloat: parsing {GoQuote.Quote(text)}: invalid syntax");
}
