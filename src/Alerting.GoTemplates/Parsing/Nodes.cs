using System.Text;
using Alerting.GoTemplates.Strconv;

namespace Alerting.GoTemplates.Parsing;

/// <summary>A node of a parse tree (Go's parse.Node); ToString gives Go's text of the node.</summary>
internal abstract class Node(int pos, Tree tree)
{
    public int Pos { get; set; } = pos;

    public Tree Tree { get; set; } = tree;

    public abstract void WriteTo(StringBuilder sb);

    public abstract Node Copy();

    public override string ToString()
    {
        var sb = new StringBuilder();
        WriteTo(sb);
        return sb.ToString();
    }
}

internal sealed class ListNode(int pos, Tree tree) : Node(pos, tree)
{
    public List<Node> Nodes { get; } = [];

    public override void WriteTo(StringBuilder sb)
    {
        foreach (var n in Nodes)
        {
            n.WriteTo(sb);
        }
    }

    public override Node Copy() => CopyList();

    public ListNode CopyList()
    {
        var copy = new ListNode(Pos, Tree);
        foreach (var n in Nodes)
        {
            copy.Nodes.Add(n.Copy());
        }
        return copy;
    }
}

internal sealed class TextNode(int pos, Tree tree, string text) : Node(pos, tree)
{
    public string Text { get; set; } = text;

    public override void WriteTo(StringBuilder sb) => sb.Append(Text);

    public override Node Copy() => new TextNode(Pos, Tree, Text);
}

internal sealed class PipeNode(int pos, Tree tree, int line) : Node(pos, tree)
{
    public int Line { get; } = line;

    public bool IsAssign { get; set; }

    public List<VariableNode> Decl { get; } = [];

    public List<CommandNode> Cmds { get; } = [];

    public override void WriteTo(StringBuilder sb)
    {
        if (Decl.Count > 0)
        {
            for (var i = 0; i < Decl.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }
                Decl[i].WriteTo(sb);
            }
            sb.Append(" := ");
        }
        for (var i = 0; i < Cmds.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" | ");
            }
            Cmds[i].WriteTo(sb);
        }
    }

    public override Node Copy() => CopyPipe();

    public PipeNode CopyPipe()
    {
        var copy = new PipeNode(Pos, Tree, Line) { IsAssign = IsAssign };
        copy.Decl.AddRange(Decl.Select(d => (VariableNode)d.Copy()));
        copy.Cmds.AddRange(Cmds.Select(c => (CommandNode)c.Copy()));
        return copy;
    }
}

internal sealed class ActionNode(int pos, Tree tree, int line, PipeNode pipe) : Node(pos, tree)
{
    public int Line { get; } = line;

    public PipeNode Pipe { get; } = pipe;

    public override void WriteTo(StringBuilder sb)
    {
        sb.Append("{{");
        Pipe.WriteTo(sb);
        sb.Append("}}");
    }

    public override Node Copy() => new ActionNode(Pos, Tree, Line, Pipe.CopyPipe());
}

internal sealed class CommandNode(int pos, Tree tree) : Node(pos, tree)
{
    public List<Node> Args { get; } = [];

    public override void WriteTo(StringBuilder sb)
    {
        for (var i = 0; i < Args.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            if (Args[i] is PipeNode pipe)
            {
                sb.Append('(');
                pipe.WriteTo(sb);
                sb.Append(')');
                continue;
            }
            Args[i].WriteTo(sb);
        }
    }

    public override Node Copy()
    {
        var copy = new CommandNode(Pos, Tree);
        copy.Args.AddRange(Args.Select(a => a.Copy()));
        return copy;
    }
}

internal sealed class IdentifierNode(int pos, Tree tree, string ident) : Node(pos, tree)
{
    public string Ident { get; } = ident;

    public override void WriteTo(StringBuilder sb) => sb.Append(Ident);

    public override Node Copy() => new IdentifierNode(Pos, Tree, Ident);
}

/// <summary>$x or $x.Field.Chain: Ident[0] is the variable.</summary>
internal sealed class VariableNode(int pos, Tree tree, string[] ident) : Node(pos, tree)
{
    public string[] Ident { get; } = ident;

    public override void WriteTo(StringBuilder sb) => sb.AppendJoin('.', Ident);

    public override Node Copy() => new VariableNode(Pos, Tree, Ident);
}

internal sealed class DotNode(int pos, Tree tree) : Node(pos, tree)
{
    public override void WriteTo(StringBuilder sb) => sb.Append('.');

    public override Node Copy() => new DotNode(Pos, Tree);
}

internal sealed class NilNode(int pos, Tree tree) : Node(pos, tree)
{
    public override void WriteTo(StringBuilder sb) => sb.Append("nil");

    public override Node Copy() => new NilNode(Pos, Tree);
}

/// <summary>.A.B.C, the identifiers without dots.</summary>
internal sealed class FieldNode(int pos, Tree tree, string[] ident) : Node(pos, tree)
{
    public string[] Ident { get; } = ident;

    public override void WriteTo(StringBuilder sb)
    {
        foreach (var id in Ident)
        {
            sb.Append('.').Append(id);
        }
    }

    public override Node Copy() => new FieldNode(Pos, Tree, Ident);
}

/// <summary>(pipe).A.B or func.A: a term followed by fields.</summary>
internal sealed class ChainNode(int pos, Tree tree, Node node) : Node(pos, tree)
{
    public Node Node { get; } = node;

    public List<string> Field { get; } = [];

    public override void WriteTo(StringBuilder sb)
    {
        if (Node is PipeNode)
        {
            sb.Append('(');
            Node.WriteTo(sb);
            sb.Append(')');
        }
        else
        {
            Node.WriteTo(sb);
        }
        foreach (var f in Field)
        {
            sb.Append('.').Append(f);
        }
    }

    public override Node Copy()
    {
        var copy = new ChainNode(Pos, Tree, Node.Copy());
        copy.Field.AddRange(Field);
        return copy;
    }
}

internal sealed class BoolNode(int pos, Tree tree, bool value) : Node(pos, tree)
{
    public bool True { get; } = value;

    public override void WriteTo(StringBuilder sb) => sb.Append(True ? "true" : "false");

    public override Node Copy() => new BoolNode(Pos, Tree, True);
}

internal sealed class StringNode(int pos, Tree tree, string quoted, string text) : Node(pos, tree)
{
    public string Quoted { get; } = quoted;

    public string Text { get; } = text;

    public override void WriteTo(StringBuilder sb) => sb.Append(Quoted);

    public override Node Copy() => new StringNode(Pos, Tree, Quoted, Text);

    public static string QuoteForDisplay(string s) => GoQuote.Quote(s);
}
