using Alerting.Core.Configuration;

namespace Alerting.Channels.Slack;

/// <summary>
/// Alertmanager 0.34's <c>app_token</c> / <c>app_token_file</c> and <c>app_url</c>: a Slack app's bot token, sent as
/// <c>Authorization: Bearer</c> to <c>app_url</c> (chat.postMessage), with config/config.go's checks.
/// </summary>
internal sealed record SlackAppToken(string? Token, string? TokenFile, string Url)
{
    public const string PostMessageUrl = "https://slack.com/api/chat.postMessage";

    /// <summary>The entry's app token, or null when it sets none.</summary>
    /// <param name="defaults">The globals: <c>slack_app_url</c>, and <c>slack_app_token(_file)</c> when the entry sets no
    /// token, no <c>api_url</c> and no authorization of its own (<paramref name="ownAuthorization"/>).</param>
    public static SlackAppToken? Read(MapReader s, bool hasApiUrl, bool ownAuthorization, SlackDefaults defaults)
    {
        var token = s.String("app_token");
        var file = s.FilePath("app_token_file");
        var url = s.Url("app_url") ?? defaults.AppUrl ?? PostMessageUrl;
        s.AtMostOne("app_token", "app_token_file");
        if (token is null && file is null)
        {
            return hasApiUrl || ownAuthorization || (defaults.AppToken is null && defaults.AppTokenFile is null)
                ? null
                : new SlackAppToken(defaults.AppToken, defaults.AppTokenFile, url);
        }
        if (hasApiUrl)
        {
            s.Error(token is null ? "app_token_file" : "app_token", "at most one of api_url/api_url_file & app_token/app_token_file must be configured");
        }
        return new SlackAppToken(token, file, url);
    }

    /// <summary><paramref name="http"/> with the token as its authorization, which it must not have already.</summary>
    public HttpClientConfig Apply(MapReader s, HttpClientConfig http)
    {
        if (http.AuthorizationHeader is not null || http.BearerTokenFile is not null || http.Authorization is not null)
        {
            s.Error("http_config", "http authorization can't be set when using Slack App tokens");
        }
        return http with { Authorization = new Authorization("Bearer", Token, TokenFile), BearerToken = null, BearerTokenFile = null };
    }

    /// <summary>
    /// <c>update_message</c>: Alertmanager requires <c>api_url</c> to be chat.postMessage. Editing the group's earlier
    /// message (chat.update with its kept ts) is not implemented here: a new message is posted each time.
    /// </summary>
    public static bool UpdateMessage(MapReader s, string? apiUrl)
    {
        if (!s.Has("update_message"))
        {
            return false;
        }
        var node = s.KeyNode("update_message");
        var update = s.Bool("update_message", false);
        if (!update)
        {
            return false;
        }
        if (apiUrl != PostMessageUrl)
        {
            s.Error("update_message", $"update_message can only be used with bot tokens. api_url must be set to {PostMessageUrl}");
        }
        else
        {
            s.Context.Warn(node, s.Field("update_message"), "update_message is not implemented yet: each notification posts a new message");
        }
        return true;
    }
}
