using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alerting.Configuration;
using Alerting.Core.Labels;
using Alerting.Templating;
using Npgsql;

namespace Alerting.Links;

/// <summary>
/// What a signed link allows: one action on one group, until it expires. The group is the group key as the receiver
/// the link was sent to has it: sibling routes with identical matchers share the key. Links signed before the receiver
/// was added have none, and act on every group of the key.
/// </summary>
internal sealed record LinkClaims(
    [property: JsonPropertyName("a")] string Action,
    [property: JsonPropertyName("g")] string GroupKey,
    [property: JsonPropertyName("l")] Dictionary<string, string> GroupLabels,
    [property: JsonPropertyName("d")] long? SilenceSeconds,
    [property: JsonPropertyName("e")] long ExpiresUnix,
    [property: JsonPropertyName("n")] string Nonce,
    [property: JsonPropertyName("r"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Receiver = null)
{
    public const string View = "view";
    public const string Silence = "silence";
    public const string Acknowledge = "ack";
}

/// <summary>
/// Signs and checks action links: HMAC-SHA256 over the claims, with an expiry and a nonce. The key is
/// the configured one, or one generated once and kept in the database so that all instances agree.
/// Previous keys stay valid, so a key can be rotated without breaking links already sent.
/// </summary>
internal sealed class LinkSigner(ConfigHolder config, NpgsqlDataSource db, TimeProvider time)
{
    private const string SettingKey = "link_signing_key";
    private readonly Lock _keyLock = new();
    private Task<byte[]>? _generated;

    public async Task<ActionLinks> ForGroupAsync(string groupKey, string receiver, LabelSet groupLabels, string externalUrl, CancellationToken ct) =>
        (await SignerAsync(ct))(groupKey, receiver, groupLabels, externalUrl);

    /// <summary>
    /// What <see cref="ForGroupAsync"/> does once the key is read: the delivery signs a message's links only when its
    /// channel reads them (a webhook never does), and signing five links was a sixth of a flush storm's CPU.
    /// </summary>
    public async Task<Func<string, string, LabelSet, string, ActionLinks>> SignerAsync(CancellationToken ct)
    {
        var key = await CurrentKeyAsync(ct);
        var ttl = config.Current.Config.Server.Links.Ttl;
        return (groupKey, receiver, groupLabels, externalUrl) =>
        {
            var expires = (time.GetUtcNow() + ttl).ToUnixTimeSeconds();
            var labels = groupLabels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            // One draw of randomness for the five nonces.
            var random = RandomNumberGenerator.GetBytes(5 * NonceBytes);
            var used = 0;
            string Link(string action, long? silence = null)
            {
                var nonce = Base64Url.EncodeToString(random.AsSpan(used++ * NonceBytes, NonceBytes));
                return $"{externalUrl.TrimEnd('/')}/action/{Sign(key, new LinkClaims(action, groupKey, labels, silence, expires, nonce, receiver))}";
            }
            return new ActionLinks(
                Link(LinkClaims.View),
                Link(LinkClaims.Silence, 3600),
                Link(LinkClaims.Silence, 4 * 3600),
                Link(LinkClaims.Silence, 24 * 3600),
                Link(LinkClaims.Acknowledge));
        };
    }

    /// <summary>Checks signature and expiry. Returns the claims, or null with the reason a person should read.</summary>
    public async Task<(LinkClaims? Claims, string? Problem)> VerifyAsync(string token, CancellationToken ct)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == token.Length - 1)
        {
            return (null, "This link is not valid: it is incomplete or was changed.");
        }
        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return (null, "This link is not valid: it is incomplete or was changed.");
        }
        var keys = new List<byte[]> { await CurrentKeyAsync(ct) };
        // Short keys are refused at load too; an empty one would accept links signed with an empty HMAC key.
        keys.AddRange(config.Current.Config.Server.Links.PreviousKeys.Where(k => k.Length >= Core.Configuration.LinksConfig.MinKeyLength).Select(k => Encoding.UTF8.GetBytes(k)));
        if (!keys.Any(k => CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(k, payload), signature)))
        {
            return (null, "This link is not valid: its signature does not match. It may have been changed, or signed with a key that was retired.");
        }
        LinkClaims? claims;
        try
        {
            claims = JsonSerializer.Deserialize<LinkClaims>(payload);
        }
        catch (JsonException)
        {
            claims = null;
        }
        if (claims is null)
        {
            return (null, "This link is not valid.");
        }
        if (DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresUnix) < time.GetUtcNow())
        {
            return (null, $"This link expired on {DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresUnix):yyyy-MM-dd HH:mm} UTC. Open the alert in Alerting instead.");
        }
        return (claims, null);
    }

    private static string Sign(byte[] key, LinkClaims claims)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, payload));
    }

    private const int NonceBytes = 12;

    private async Task<byte[]> CurrentKeyAsync(CancellationToken ct)
    {
        var links = config.Current.Config.Server.Links;
        if (links.SigningKey is { Length: > 0 } configured)
        {
            return Encoding.UTF8.GetBytes(configured);
        }
        // One read for all callers, not cut off by any one of them: a fresh instance's first flush hands off many
        // rows at once, and a caller stopped by shutdown must not fail the others (or leave them to read it again).
        Task<byte[]> loading;
        lock (_keyLock)
        {
            if (_generated is null || _generated.IsFaulted)
            {
                _generated = LoadGeneratedKeyAsync();
            }
            loading = _generated;
        }
        return await loading.WaitAsync(ct);
    }

    private async Task<byte[]> LoadGeneratedKeyAsync()
    {
        // First instance to get here generates it; the others read the same row.
        await using var cmd = db.CreateCommand("""
            INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = SettingKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) });
        await cmd.ExecuteNonQueryAsync();
        await using var read = db.CreateCommand("SELECT value FROM settings WHERE key = $1");
        read.Parameters.Add(new NpgsqlParameter { Value = SettingKey });
        var value = (string)(await read.ExecuteScalarAsync())!;
        return Encoding.UTF8.GetBytes(value);
    }
}
