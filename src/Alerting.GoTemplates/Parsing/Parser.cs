using System.Globalization;

namespace Alerting.GoTemplates.Parsing;

/// <summary>A parse error in Go's form; <see cref="Column"/> is 0 as Go reports only the line.</summary>
internal sealed class ParseError(string parseName, int line, string message)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"template: {parseName}:{line}: {message}"))
{
    public string ParseName { get; } = parseName;

    public int Line { get; } = line;
}

/// <summary>
/// Go 1.19's text/template parser. <see cref="Parse"/> returns every template the text defines, the
/// top-level one under <c>name</c>.
/// </summary>
internal sealed partial class Parser
{
    private readonly List<Token> _tokens;
    private readonly Func<string, bool> _hasFunction;
    private readonly Dictionary<string, Tree> _treeSet;
    private readonly string _parseName;
    private readonly string _text;
    private int _index;
    private int _furthest;
    private Tree _tree;
    private List<string> _vars = ["$"];
    private int _rangeDepth;
    private int _actionLine;
    private int _depth;

    private const int MaxDepth = 10000;

    private Parser(string parseName, string text, List<Token> tokens, Func<string, bool> hasFunction)
    {
        _parseName = parseName;
        _text = text;
        _tokens = tokens;
        _hasFunction = hasFunction;
        _treeSet = new Dictionary<string, Tree>(StringComparer.Ordinal);
        _tree = new Tree(parseName, parseName, text);
    }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="ParseError"/>.</summary>
    public static Dictionary<string, Tree> Parse(string name, string text, Func<string, bool> hasFunction)
    {
        var parser = new Parser(name, text, Lexer.Tokenize(text), hasFunction);
        parser.ParseTop();
        return parser._treeSet;
    }

    private Token Next()
    {
        var token = _tokens[Math.Min(_index, _tokens.Count - 1)];
        if (_index < _tokens.Count)
        {
            _index++;
        }
        _furthest = Math.Max(_furthest, _index - 1);
        return token;
    }

    private void Backup() => _index--;

    private Token Peek()
    {
        var token = Next();
        Backup();
        return token;
    }

    private Token NextNonSpace()
    {
        Token token;
        do
        {
            token = Next();
        }
        while (token.Kind == TokenKind.Space);
        return token;
    }

    private Token PeekNonSpace()
    {
        var token = NextNonSpace();
        Backup();
        return token;
    }

    private ParseError Error(string message) =>
        new(_parseName, _tokens[Math.Min(_furthest, _tokens.Count - 1)].Line, message);

    private Token Expect(TokenKind expected, string context)
    {
        var token = NextNonSpace();
        if (token.Kind != expected)
        {
            throw Unexpected(token, context);
        }
        return token;
    }

    private ParseError Unexpected(Token token, string context)
    {
        if (token.Kind == TokenKind.Error)
        {
            var extra = "";
            if (_actionLine != 0 && _actionLine != token.Line)
            {
                extra = string.Create(CultureInfo.InvariantCulture, $" in action started at {_parseName}:{_actionLine}");
                if (token.Value.EndsWith(" action", StringComparison.Ordinal))
                {
                    extra = extra[" in action".Length..];
                }
            }
            return Error(token.Value + extra);
        }
        return Error($"unexpected {token} in {context}");
    }

    private void ParseTop()
    {
        var root = new ListNode(Peek().Pos, _tree);
        _tree.Root = root;
        while (Peek().Kind != TokenKind.Eof)
        {
            if (Peek().Kind == TokenKind.LeftDelim)
            {
                var delimIndex = _index;
                Next();
                if (NextNonSpace().Kind == TokenKind.Define)
                {
                    ParseDefinition();
                    continue;
                }
                _index = delimIndex;
            }
            var n = TextOrAction();
            if (n is DelimiterNode)
            {
                throw Error($"unexpected {n}");
            }
            root.Nodes.Add(n);
        }
        Add(_tree);
    }

    private void Add(Tree tree)
    {
        if (!_treeSet.TryGetValue(tree.Name, out var existing) || Tree.IsEmpty(existing.Root))
        {
            _treeSet[tree.Name] = tree;
            return;
        }
        if (!Tree.IsEmpty(tree.Root))
        {
            throw Error($"template: multiple definition of template {Strconv.GoQuote.Quote(tree.Name)}");
        }
    }

    private void ParseDefinition()
    {
        const string context = "define clause";
        var outer = (_tree, _vars, _rangeDepth);
        _tree = new Tree("definition", _parseName, _text);
        _vars = ["$"];
        _rangeDepth = 0;
        var name = NextNonSpace();
        if (name.Kind is not (TokenKind.String or TokenKind.RawString))
        {
            throw Unexpected(name, context);
        }
        _tree.Name = Strconv.GoUnquote.Unquote(name.Value) ?? throw Error(Strconv.GoUnquote.SyntaxError);
        Expect(TokenKind.RightDelim, context);
        var (list, end) = ItemList();
        if (end is not DelimiterNode { IsElse: false })
        {
            throw Error($"unexpected {end} in {context}");
        }
        _tree.Root = list;
        Add(_tree);
        (_tree, _vars, _rangeDepth) = outer;
    }

    private (ListNode List, Node End) ItemList()
    {
        var list = new ListNode(PeekNonSpace().Pos, _tree);
        while (PeekNonSpace().Kind != TokenKind.Eof)
        {
            var n = TextOrAction();
            if (n is DelimiterNode)
            {
                return (list, n);
            }
            list.Nodes.Add(n);
        }
        throw Error("unexpected EOF");
    }

    private Node TextOrAction()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Text:
                return new TextNode(token.Pos, _tree, token.Value);
            case TokenKind.LeftDelim:
                _actionLine = token.Line;
                try
                {
                    return Action();
                }
                finally
                {
                    _actionLine = 0;
                }
            default:
                throw Unexpected(token, "input");
        }
    }
}
