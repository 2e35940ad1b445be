namespace Alerting.Channels.WeChat;

/// <summary>
/// The access token of one wechat_configs entry, kept as long as its configuration runs (Alertmanager keeps it in
/// the notifier, which a reload replaces). Notifiers are built per message, so the channel holds this per config.
/// </summary>
internal sealed class WeChatTokenCache
{
    private readonly Lock _lock = new();
    private (string Token, DateTimeOffset At)? _token;

    /// <summary>The token when it is at most <paramref name="lifetime"/> old.</summary>
    public string? Get(DateTimeOffset now, TimeSpan lifetime)
    {
        lock (_lock)
        {
            return _token is { } t && now - t.At <= lifetime ? t.Token : null;
        }
    }

    public void Set(string token, DateTimeOffset at)
    {
        lock (_lock)
        {
            _token = (token, at);
        }
    }

    /// <summary>Forgets <paramref name="token"/>, unless a newer one replaced it meanwhile.</summary>
    public void Drop(string token)
    {
        lock (_lock)
        {
            if (_token?.Token == token)
            {
                _token = null;
            }
        }
    }
}
