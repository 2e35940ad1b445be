using Alerting.Escalation;

namespace Alerting.Ui;

/// <summary>
/// A group's escalation chain on a page (the _Escalation partial): who was told, what is due, who acknowledged
/// (<paramref name="ShowAcknowledgement"/> false where the page says so already).
/// </summary>
internal sealed record EscalationView(UiPageModel Page, EscalationChain Chain, bool ShowAcknowledgement = true)
{
    public static string CssClass(EscalationChainStep step) => step.Told ? "success" : step.State == "pending" ? "pending" : "stopped";

    /// <summary>Why a step stopped, in the page's language: "acknowledged by Mei", "resolved", "receiver removed".</summary>
    public static string Reason(UiText t, EscalationChainStep step) => step.StoppedReason switch
    {
        "acknowledged" => t.Format("acknowledged by {0}", step.StoppedBy ?? t["someone"]),
        { } reason => t[reason],
        null => "",
    };
}
