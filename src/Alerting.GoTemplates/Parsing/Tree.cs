using System.Globalization;
using System.Text;

namespace Alerting.GoTemplates.Parsing;

/// <summary>One parsed template: its name, the name of the file or text it came from, and its root.</summary>
internal sealed class Tree(string name, string parseName, string text)
{
    public string Name { get; set; } = name;

    /// <summary>The top-level name during parsing (the file), for error locations.</summary>
    public string ParseName { get; } = parseName;

    public string Text { get; } = text;

    public ListNode? Root { get; set; }

    /// <summary>Go's Tree.ErrorContext: "NAME:LINE:COL" (COL a 0-based byte offset) and the node's text.</summary>
    public (string Location, string Excerpt) ErrorContext(Node n)
    {
        var pos = Math.Min(n.Pos, Text.Length);
        var before = Text.AsSpan(0, pos);
        var lastNewline = before.LastIndexOf('\n');
        var byteCol = Encoding.UTF8.GetByteCount(lastNewline < 0 ? before : before[(lastNewline + 1)..]);
        var line = 1 + before.Count('\n');
        return (string.Create(CultureInfo.InvariantCulture, $"{ParseName}:{line}:{byteCol}"), n.ToString());
    }

    public Tree Copy() => new(Name, ParseName, Text) { Root = (ListNode?)Root?.Copy() };

    /// <summary>Go's parse.IsEmptyTree: nothing but space text.</summary>
    public static bool IsEmpty(Node? n) => n switch
    {
        null => true,
        ListNode list => list.Nodes.All(IsEmpty),
        TextNode text => string.IsNullOrWhiteSpace(text.Text),
        _ => false,
    };
}
