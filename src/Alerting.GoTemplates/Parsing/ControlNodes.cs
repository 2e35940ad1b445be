using System.Text;
using Alerting.GoTemplates.Strconv;

namespace Alerting.GoTemplates.Parsing;

internal enum ControlKind
{
    If,
    Range,
    With,
}

/// <summary>if, range and with: a pipeline, a list and an optional else list.</summary>
internal sealed class BranchNode(ControlKind kind, int pos, Tree tree, int line, PipeNode pipe, ListNode list, ListNode? elseList)
    : Node(pos, tree)
{
    public ControlKind Kind { get; } = kind;

    public int Line { get; } = line;

    public PipeNode Pipe { get; } = pipe;

    public ListNode List { get; } = list;

    public ListNode? ElseList { get; } = elseList;

    public override void WriteTo(StringBuilder sb)
    {
        sb.Append("{{").Append(Kind switch { ControlKind.If => "if", ControlKind.Range => "range", _ => "with" }).Append(' ');
        Pipe.WriteTo(sb);
        sb.Append("}}");
        List.WriteTo(sb);
        if (ElseList is not null)
        {
            sb.Append("{{else}}");
            ElseList.WriteTo(sb);
        }
        sb.Append("{{end}}");
    }

    public override Node Copy() => new BranchNode(Kind, Pos, Tree, Line, Pipe.CopyPipe(), List.CopyList(), ElseList?.CopyList());
}

internal sealed class TemplateNode(int pos, Tree tree, int line, string name, PipeNode? pipe) : Node(pos, tree)
{
    public int Line { get; } = line;

    /// <summary>The called template; html/template points it at a context-specific copy.</summary>
    public string Name { get; set; } = name;

    public PipeNode? Pipe { get; } = pipe;

    public override void WriteTo(StringBuilder sb)
    {
        sb.Append("{{template ").Append(GoQuote.Quote(Name));
        if (Pipe is not null)
        {
            sb.Append(' ');
            Pipe.WriteTo(sb);
        }
        sb.Append("}}");
    }

    public override Node Copy() => new TemplateNode(Pos, Tree, Line, Name, Pipe?.CopyPipe());
}

internal sealed class BreakNode(int pos, Tree tree, int line, bool isContinue) : Node(pos, tree)
{
    public int Line { get; } = line;

    public bool IsContinue { get; } = isContinue;

    public override void WriteTo(StringBuilder sb) => sb.Append(IsContinue ? "{{continue}}" : "{{break}}");

    public override Node Copy() => new BreakNode(Pos, Tree, Line, IsContinue);
}

/// <summary>{{end}} and {{else}}: only seen while parsing.</summary>
internal sealed class DelimiterNode(int pos, Tree tree, bool isElse) : Node(pos, tree)
{
    public bool IsElse { get; } = isElse;

    public override void WriteTo(StringBuilder sb) => sb.Append(IsElse ? "{{else}}" : "{{end}}");

    public override Node Copy() => this;
}

/// <summary>A number literal with every interpretation that fits, as Go's NumberNode.</summary>
internal sealed class NumberNode(int pos, Tree tree, string text) : Node(pos, tree)
{
    public string Text { get; } = text;

    public bool IsInt { get; set; }

    public bool IsUint { get; set; }

    public bool IsFloat { get; set; }

    public bool IsComplex { get; set; }

    public long Int64 { get; set; }

    public ulong Uint64 { get; set; }

    public double Float64 { get; set; }

    public System.Numerics.Complex Complex128 { get; set; }

    public override void WriteTo(StringBuilder sb) => sb.Append(Text);

    public override Node Copy() => this;
}
