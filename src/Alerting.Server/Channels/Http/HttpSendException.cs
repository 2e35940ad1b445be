namespace Alerting.Channels.Http;

/// <summary>
/// A failure of our own request pipeline (a credentials file, a redirect loop) rather than of the network.
/// The message never holds a secret; <see cref="Retryable"/> says how the attempt is classified.
/// </summary>
internal sealed class HttpSendException(string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
