using Alerting.Links;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Alerting.Ui.Pages;

/// <summary>
/// The pages behind the links in messages. GET only shows (a chat app's link preview must never act); the
/// button on the confirmation page POSTs the action. The signed token in the address is the permission, so
/// these pages need no login and no anti-forgery cookie (a chat app's in-app browser may have neither).
/// </summary>
[PublicPage]
[IgnoreAntiforgeryToken]
internal sealed class ActionModel(LinkSigner signer, LinkActions actions, Escalation.EscalationChains chains) : UiPageModel
{
    public LinkClaims? Claims { get; private set; }

    public string Title { get; private set; } = "";

    /// <summary>A sentence for the result or the problem; null on the confirmation and view pages.</summary>
    public string? Message { get; private set; }

    public bool IsError { get; private set; }

    public Guid? SilenceId { get; private set; }

    public LinkedGroup? Group { get; private set; }

    public bool ShowForm { get; private set; }

    /// <summary>The group's escalation chains (one per route that makes a group of this key and escalates).</summary>
    public IReadOnlyList<Escalation.EscalationChain> Chains { get; private set; } = [];

    public string Hours => $"{TimeSpan.FromSeconds(Claims?.SilenceSeconds ?? 3600).TotalHours:0.#}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await VerifyAsync(ct))
        {
            return Page();
        }
        if (Claims!.Action == LinkClaims.View)
        {
            Title = T.Format("Alert group {0}", Claims.GroupKey);
            Group = await actions.ViewAsync(Claims, ct);
            Chains = await chains.ForGroupKeysAsync([Claims.GroupKey], ct);
            return Page();
        }
        Title = Claims.Action == LinkClaims.Silence
            ? T.Format("Silence this group for {0} h", Hours)
            : T["Acknowledge this group (no repeat notifications until a new alert joins or it resolves)"];
        ShowForm = true;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await VerifyAsync(ct))
        {
            return Page();
        }
        string? name;
        try
        {
            // Read here, not bound: a form the reader refuses (a value over its 4 MB limit) must be refused, not read as no name.
            name = Request.HasFormContentType ? (await Request.ReadFormAsync(ct))["name"].ToString() : null;
        }
        catch (InvalidDataException)
        {
            return Done(T["Link not valid"], T["The form could not be read: a value is too long."], StatusCodes.Status400BadRequest, error: true);
        }
        if (Claims!.Action == LinkClaims.View)
        {
            return Redirect(Request.PathBase + Request.Path);
        }
        var who = LinkActions.ActorName(name) ?? "someone via a notification link";
        if (!await actions.UseAsync(Claims, who, ct))
        {
            return Done(T["Already done"], T["This link was already used. Open the group to see its current state."], StatusCodes.Status409Conflict);
        }
        if (Claims.Action == LinkClaims.Silence)
        {
            if (Claims.GroupLabels.Count == 0)
            {
                return Done(T["Cannot silence from this link"], T["This group has no grouping labels to silence by. Create the silence in Alerting instead."], StatusCodes.Status422UnprocessableEntity, error: true);
            }
            SilenceId = await actions.SilenceAsync(Claims, who, ct);
            return Done(T["Silenced"], T.Format("Silenced for {0} h by {1}.", Hours, who));
        }
        if (!await actions.AcknowledgeAsync(Claims, who, ct))
        {
            return Done(T["Nothing to acknowledge"], T["This group has no active alerts any more."], StatusCodes.Status410Gone);
        }
        return Done(T["Acknowledged"], T.Format("Acknowledged by {0}. No repeat notifications until a new alert joins the group or it resolves.", who));
    }

    private async Task<bool> VerifyAsync(CancellationToken ct)
    {
        // The token comes only from the path: model binding would let a form field or query parameter named token stand in for it.
        var token = RouteData.Values["token"] as string;
        var (claims, problem) = token is { Length: > 0 } ? await signer.VerifyAsync(token, ct) : (null, "This link is not valid: it is incomplete or was changed.");
        Claims = claims;
        if (claims is null)
        {
            Done(T["Link not valid"], problem!, StatusCodes.Status400BadRequest, error: true);
            return false;
        }
        return true;
    }

    private PageResult Done(string title, string message, int status = StatusCodes.Status200OK, bool error = false)
    {
        Title = title;
        Message = message;
        IsError = error;
        Response.StatusCode = status;
        return Page();
    }
}
