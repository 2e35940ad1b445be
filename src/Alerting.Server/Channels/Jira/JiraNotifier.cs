using System.Net.Http.Headers;
using System.Text.Json;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;

namespace Alerting.Channels.Jira;

/// <summary>
/// Jira (<c>jira_configs</c>), as Alertmanager's notifier: search the group's issue by its label, then create it
/// (POST issue) or update it (PUT issue/KEY), then reopen a done issue when the group fires again or resolve an open
/// one when it resolves, through the named transitions. A resolved group without an issue sends nothing more.
/// As there, only 429 and 5xx answers are retried: a network error or timeout is not (its client error is final).
/// </summary>
internal sealed class JiraNotifier(JiraConfig config, HttpClientProvider clients, GoTemplateSet templates, TimeProvider time) : INotifier
{
    /// <summary>Per request; Alertmanager bounds the whole notification by its deadline, at least 10 s.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly int[] s_retryCodes = [429];

    public string Integration => JiraChannel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = request.Data ?? throw new InvalidOperationException("Jira needs the notification data");
        var tmpl = new TemplateExpander(templates, data);
        var hash = JiraRequests.GroupHash(data.GroupKey);
        var firing = data.Status == NotificationStatus.Firing;

        var project = tmpl.Text(config.Project);
        if (tmpl.Error is { } projectError)
        {
            return Fail($"failed to look up existing issues: invalid project template or value: {projectError.Message}");
        }
        var search = await CallAsync(HttpMethod.Post, JiraRequests.SearchUrl(config), JiraRequests.SearchBody(JiraRequests.Jql(config, project, hash, firing)), ct);
        if (search.Failure is { } searchFailed)
        {
            return searchFailed with { Error = $"failed to look up existing issues: HTTP request to JIRA API: {searchFailed.Error}" };
        }
        JiraFoundIssue? issue;
        try
        {
            issue = JiraAnswers.FirstIssue(search.Body!);
        }
        catch (JsonException e)
        {
            return Fail($"failed to look up existing issues: {e.Message}");
        }
        if (issue is null && !firing)
        {
            return Done(); // no issue is created for a resolved group
        }

        var fields = JiraRequests.Fields(config, tmpl, hash, out var fieldsError);
        if (fields is null)
        {
            return Fail(fieldsError!);
        }
        var (method, path) = issue is null ? (HttpMethod.Post, "issue") : (HttpMethod.Put, "issue/" + issue.Key);
        if (issue is not null)
        {
            fields = fields with
            {
                Summary = config.Summary.UpdateEnabled ? fields.Summary : null,
                Description = config.Description.UpdateEnabled ? fields.Description : null,
            };
        }
        string body;
        try
        {
            body = JiraRequests.IssueBody(fields);
        }
        catch (JiraJsonException e)
        {
            return Fail($"failed to {method} request to \"{path}\": {e.Message}");
        }
        var write = await CallAsync(method, GoUrlPath.JoinPath(config.ApiUrl, path), body, ct);
        if (write.Failure is { } writeFailed)
        {
            return writeFailed with { Error = $"failed to {method} request to \"{path}\": {writeFailed.Error}" };
        }
        if (issue is not null && await TransitionAsync(issue, firing, ct) is { } transitionFailed)
        {
            return transitionFailed with { Latency = time.GetElapsedTime(started) };
        }
        return Done();

        SendResult Fail(string error) => HttpDelivery.Permanent(error, time.GetElapsedTime(started));

        SendResult Done() => new(SendOutcome.Success, 200, null, time.GetElapsedTime(started));
    }

    /// <summary>
    /// transitionIssue: a done issue of a firing group takes reopen_transition, an open issue of a resolved group
    /// resolve_transition; nothing else moves. Null when there was nothing to do or it went well.
    /// </summary>
    private async Task<SendResult?> TransitionAsync(JiraFoundIssue issue, bool firing, CancellationToken ct)
    {
        if (issue.Key.Length == 0 || issue.StatusCategory is null || issue.Done != firing)
        {
            return null;
        }
        var transition = firing ? config.ReopenTransition : config.ResolveTransition;
        if (transition.Length == 0)
        {
            return null;
        }
        var path = $"issue/{issue.Key}/transitions";
        var list = await CallAsync(HttpMethod.Get, GoUrlPath.JoinPath(config.ApiUrl, path), null, ct);
        if (list.Failure is { } listFailed)
        {
            return listFailed;
        }
        string? id;
        try
        {
            id = JiraAnswers.TransitionId(list.Body!, transition);
        }
        catch (JsonException e)
        {
            return HttpDelivery.Permanent(e.Message, TimeSpan.Zero);
        }
        if (id is null)
        {
            return HttpDelivery.Permanent($"can't find transition {transition} for issue {issue.Key}", TimeSpan.Zero);
        }
        return (await CallAsync(HttpMethod.Post, GoUrlPath.JoinPath(config.ApiUrl, path), JiraRequests.TransitionBody(id), ct)).Failure;
    }

    /// <summary>doAPIRequestFullPath: one request with JSON headers; the body of a 2xx answer, or the failure.</summary>
    private async Task<(string? Body, SendResult? Failure)> CallAsync(HttpMethod method, string url, string? body, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var uri = new Uri(url);
        using var message = new HttpRequestMessage(method, uri);
        // Go sets the content type on every call, bodiless GETs included.
        message.Content = new StringContent(body ?? "");
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.TryAddWithoutValidation("Accept-Language", "en");
        // Alertmanager's Jira requests carry Go's default user agent.
        message.Headers.UserAgent.Add(AlertmanagerHttp.GoUserAgent);
        var (answer, failure) = await HttpExchange.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct);
        if (answer is null)
        {
            // A client error is final in Alertmanager's Jira notifier, whatever it was.
            return (null, failure! with { Outcome = SendOutcome.Permanent });
        }
        return HttpExchange.Check(answer, uri, time.GetElapsedTime(started), s_retryCodes) is { } failed ? (null, failed) : (answer.Body, null);
    }
}
