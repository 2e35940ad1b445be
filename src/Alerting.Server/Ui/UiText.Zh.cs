namespace Alerting.Ui;

internal sealed partial class UiText
{
    private static readonly Dictionary<string, string> s_zh = new(StringComparer.Ordinal)
    {
    };
}
