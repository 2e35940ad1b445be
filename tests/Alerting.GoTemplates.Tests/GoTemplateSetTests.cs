using Alerting.Core.Labels;
using Alerting.Core.Notifications;

namespace Alerting.GoTemplates;

public sealed class GoTemplateSetTests
{
    private static readonly NotificationData Data = new(
        "team", "firing", [], LabelSet.Empty, LabelSet.Empty, LabelSet.Empty, "http://am", "{}", 0);

    [Fact]
    public void EmptyTextGivesEmpty() => Assert.Equal("", GoTemplateSet.Default.ExecuteText("", Data));

    [Fact]
    public void PlainTextPassesThrough() => Assert.Equal("plain", new TemplateExpander(GoTemplateSet.Default, Data).Text("plain"));
}
