namespace Alerting.GoTemplates;

/// <summary>A template that does not parse or fails while running; the message is Go's.</summary>
public class GoTemplateException : Exception
{
    public GoTemplateException(string message)
        : base(message)
    {
    }

    public GoTemplateException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// A parse error, as Go prints it (<c>template: NAME:LINE:COL: ...</c> or <c>template: NAME:LINE: ...</c>).
/// <see cref="Column"/> is 0 when Go reports only the line.
/// </summary>
public sealed class GoTemplateParseException(string path, int line, int column, string message)
    : GoTemplateException(message)
{
    public string Path { get; } = path;

    public int Line { get; } = line;

    public int Column { get; } = column;
}
