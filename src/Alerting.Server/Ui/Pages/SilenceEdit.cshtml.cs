using System.Globalization;
using System.Text.RegularExpressions;
using Alerting.Core.Matching;
using Alerting.Core.Silences;
using Alerting.Persistence;
using Microsoft.AspNetCore.Mvc;

namespace Alerting.Ui.Pages;

/// <summary>Creates or edits a silence. Preview (with or without JavaScript) never changes anything; Save does.</summary>
internal sealed class SilenceEditModel(SilenceStore silences, UiData data) : UiPageModel
{
    public const string AuthorCookie = "alerting-author";

    /// <summary>The duration presets, as the form offers them.</summary>
    public static readonly (string Value, TimeSpan Length)[] Presets =
    [
        ("1h", TimeSpan.FromHours(1)), ("2h", TimeSpan.FromHours(2)), ("4h", TimeSpan.FromHours(4)), ("8h", TimeSpan.FromHours(8)),
        ("1d", TimeSpan.FromDays(1)), ("3d", TimeSpan.FromDays(3)), ("7d", TimeSpan.FromDays(7)),
    ];

    public sealed class SilenceInput
    {
        public string Matchers { get; set; } = "";

        public string Duration { get; set; } = "2h";

        public string? EndsAt { get; set; }

        public string? StartsAt { get; set; }

        public string CreatedBy { get; set; } = "";

        public string Comment { get; set; } = "";
    }

    [BindProperty]
    public SilenceInput Input { get; set; } = new();

    public Guid? Id { get; private set; }

    public Dictionary<string, string> Errors { get; } = [];

    public List<UiAlert>? Preview { get; private set; }

    public bool Exists => Id is not null;

    public SilencePreviewView PreviewView => new(T, Errors.GetValueOrDefault("Matchers"), Preview);

    public async Task<IActionResult> OnGetAsync(Guid? id, string? matchers, string? done, CancellationToken ct)
    {
        Input.CreatedBy = Request.Cookies[AuthorCookie] ?? "";
        if (id is { } existing)
        {
            if (await silences.GetAsync(existing, ct) is not { } silence)
            {
                return NotFound();
            }
            Id = existing;
            Input.Matchers = silence.Matchers.ToString();
            Input.Duration = "custom";
            Input.StartsAt = Local(silence.StartsAt);
            Input.EndsAt = Local(silence.EndsAt);
            Input.Comment = silence.Comment;
            Input.CreatedBy = silence.CreatedBy;
            if (done == "saved")
            {
                ViewData["Notice"] = T["Silence saved."];
            }
        }
        else
        {
            Input.Matchers = matchers ?? "";
        }
        if (Input.Matchers.Length > 0)
        {
            await PreviewAsync(ct);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(Guid? id, CancellationToken ct)
    {
        Id = id;
        await PreviewAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid? id, CancellationToken ct)
    {
        Id = id;
        var matchers = await PreviewAsync(ct);
        if (string.IsNullOrWhiteSpace(Input.CreatedBy))
        {
            Errors["CreatedBy"] = T["Say who you are."];
        }
        if (string.IsNullOrWhiteSpace(Input.Comment))
        {
            Errors["Comment"] = T["Say why: the comment is required."];
        }
        else if (Input.Comment.Length > Silence.MaxCommentLength) // bound as null when empty, handled above
        {
            Errors["Comment"] = T.Format("The comment is longer than {0} characters.", Silence.MaxCommentLength);
        }
        if (Silence.TextTooLong(Input.CreatedBy, null) is not null) // an empty field is bound as null
        {
            Errors["CreatedBy"] = T.Format("The name is longer than {0} characters.", Silence.MaxCreatedByLength);
        }
        var starts = Parse(Input.StartsAt, "StartsAt") ?? Now;
        DateTimeOffset? ends = Input.Duration == "custom"
            ? Parse(Input.EndsAt, "EndsAt")
            : Presets.FirstOrDefault(p => p.Value == Input.Duration) is { Value: not null } preset ? starts + preset.Length : null;
        if (ends is null && !Errors.ContainsKey("EndsAt"))
        {
            Errors["EndsAt"] = T["Choose a duration or an end."];
        }
        if (matchers is not null && ends is { } end && Silence.Validate(matchers, starts, end, data.Syntax) is { } problem)
        {
            Errors["EndsAt"] = problem;
        }
        if (Errors.Count > 0 || matchers is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var result = await silences.SetAsync(id, matchers, starts, ends!.Value, Input.CreatedBy.Trim(), Input.Comment.Trim(), ct);
        if (result.Id is not { } saved)
        {
            return NotFound();
        }
        Response.Cookies.Append(AuthorCookie, Input.CreatedBy.Trim(), new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = Request.IsHttps });
        return Redirect(Href($"silences/{saved}?done=saved"));
    }

    /// <summary>Parses the matchers and lists the active alerts they would mute; null (with an error) when they do not parse.</summary>
    private async Task<Matchers?> PreviewAsync(CancellationToken ct)
    {
        Matchers matchers;
        try
        {
            matchers = data.Syntax.ParseMatchers((Input.Matchers ?? "").Trim(), "web");
        }
        catch (MatcherException e)
        {
            Errors["Matchers"] = e.Message;
            return null;
        }
        if (matchers.Count == 0)
        {
            Errors["Matchers"] = T["Give at least one matcher, e.g. alertname=\"DiskFull\"."];
            return null;
        }
        try
        {
            Preview = [.. (await data.AlertsAsync(resolved: false, ct)).Where(a => matchers.Matches(a.Alert.Labels))];
        }
        catch (RegexMatchTimeoutException)
        {
            Errors["Matchers"] = T["A regular expression took too long to match."];
            return null;
        }
        return matchers;
    }

    private string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Reads a datetime-local field in the UI's time zone.</summary>
    private DateTimeOffset? Parse(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (!DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            Errors[field] = T.Format("\"{0}\" is not a date and time.", value);
            return null;
        }
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Zone.GetUtcOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified)));
    }
}
