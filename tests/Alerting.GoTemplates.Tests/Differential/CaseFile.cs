namespace Alerting.GoTemplates.Differential;

/// <summary>One differential case: a template text, its type, its data and the template files it loads.</summary>
public sealed record TemplateCase(string File, string Name, string Text, bool Html, string? Data, IReadOnlyList<string> Files)
{
    public override string ToString() => $"{File}:{Name}";
}

/// <summary>
/// Reads a .cases file. Each case is a block of "### key: value" header lines (name, type: text|html,
/// data: a file in Data/, files: space-separated files in Files/) followed by the template text, which ends
/// at a line "### end" (the newline before it is not part of the text).
/// </summary>
public static class CaseFile
{
    public static IEnumerable<TemplateCase> Read(string path)
    {
        var file = Path.GetFileName(path);
        var lines = File.ReadAllText(path).Split('\n');
        var i = 0;
        while (i < lines.Length)
        {
            if (!lines[i].StartsWith("### ", StringComparison.Ordinal))
            {
                i++;
                continue;
            }
            string? name = null;
            string? data = null;
            var html = false;
            var files = new List<string>();
            for (; i < lines.Length && lines[i].StartsWith("### ", StringComparison.Ordinal); i++)
            {
                var header = lines[i][4..];
                var colon = header.IndexOf(':', StringComparison.Ordinal);
                var key = colon < 0 ? header.Trim() : header[..colon].Trim();
                var value = colon < 0 ? "" : header[(colon + 1)..].Trim();
                switch (key)
                {
                    case "name": name = value; break;
                    case "type": html = value == "html"; break;
                    case "data": data = value; break;
                    case "files": files.AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)); break;
                    default: throw new InvalidDataException($"{file}:{i + 1}: unknown header {key}");
                }
            }
            var body = new List<string>();
            for (; i < lines.Length && lines[i] != "### end"; i++)
            {
                body.Add(lines[i]);
            }
            if (i == lines.Length)
            {
                throw new InvalidDataException($"{file}: case {name} has no '### end'");
            }
            i++;
            yield return new TemplateCase(file, name ?? throw new InvalidDataException($"{file}: a case without a name"), string.Join('\n', body), html, data, files);
        }
    }
}
