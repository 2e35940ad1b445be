using System.Security.Cryptography;
using System.Text;
using Alerting.Auth;
using Alerting.Configuration;
using Alerting.Core.Configuration;
using Microsoft.AspNetCore.DataProtection;

namespace Alerting.Ui;

/// <summary>
/// Who is using the UI. With API authentication off (the default) everyone operates, as in Alertmanager.
/// With it on, the UI takes the same credentials as the API: an Authorization header, or a login form that
/// sets a session cookie. The cookie holds only a digest of the credential, so removing a credential from
/// the configuration and reloading ends its sessions at once.
/// </summary>
internal sealed class UiSessions(IDataProtectionProvider dataProtection, ConfigHolder config, SessionRevocations revocations, TimeProvider time)
{
    public const string CookieName = "alerting-session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    private const string ItemKey = "alerting-ui-access";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Alerting.Ui.Session.v1");

    public bool AuthEnabled
    {
        get
        {
            var auth = config.Current.Config.Server.Auth;
            return !auth.Read.IsOpen || !auth.Write.IsOpen;
        }
    }

    /// <summary>Read or Write for this request, or null when it has no access at all.</summary>
    public Permission? AccessOf(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached))
        {
            return (Permission?)cached;
        }
        var auth = config.Current.Config.Server.Auth;
        Permission? access = ApiAuth.Allowed(context.Request, auth, Permission.Write) ? Permission.Write
            : ApiAuth.Allowed(context.Request, auth, Permission.Read) ? Permission.Read
            : null;
        if (access != Permission.Write && SessionDigest(context) is { } digest && AccessOfDigest(digest) is { } fromSession)
        {
            access = fromSession;
        }
        context.Items[ItemKey] = access;
        return access;
    }

    public bool HasSession(HttpContext context) => SessionDigest(context) is not null;

    public static bool Satisfies(Permission? have, Permission need) =>
        have == Permission.Write || (need == Permission.Read && have == Permission.Read);

    /// <summary>Checks a login form's credential; on success sets the session cookie and returns its access.</summary>
    public Permission? SignIn(HttpContext context, string? username, string? password, string? token)
    {
        var digest = token is { Length: > 0 } ? Digest("bearer", token) : Digest("basic", username ?? "", password ?? "");
        if (AccessOfDigest(digest) is not { } access)
        {
            return null;
        }
        // A random id per session, so that logging out can end this session on every instance.
        var payload = $"{Convert.ToHexStringLower(digest)}|{time.GetUtcNow().ToUnixTimeSeconds()}|{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        context.Response.Cookies.Append(CookieName, _protector.Protect(payload), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/",
            MaxAge = Lifetime,
        });
        context.Items.Remove(ItemKey);
        return access;
    }

    /// <summary>Deletes the cookie and ends its session server-side: a copy of the cookie no longer works either.</summary>
    public async Task SignOutAsync(HttpContext context, CancellationToken ct)
    {
        if (Session(context) is { } session)
        {
            await revocations.RevokeAsync(session.Id, session.Issued + Lifetime, ct);
        }
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/" });
        context.Items.Remove(ItemKey);
    }

    private byte[]? SessionDigest(HttpContext context) =>
        Session(context) is { } session && !revocations.IsRevoked(session.Id) ? session.Digest : null;

    private (byte[] Digest, DateTimeOffset Issued, string Id)? Session(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return null;
        }
        string payload;
        try
        {
            payload = _protector.Unprotect(cookie);
        }
        catch (CryptographicException)
        {
            return null; // altered, or made with a key that no longer exists
        }
        var parts = payload.Split('|');
        if (parts.Length != 3 || !long.TryParse(parts[1], out var issued) || issued < 0 || issued > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(issued) > Lifetime)
        {
            return null; // also a cookie from before sessions had ids: it cannot be revoked, so it must log in again
        }
        try
        {
            return (Convert.FromHexString(parts[0]), DateTimeOffset.FromUnixTimeSeconds(issued), parts[2]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private Permission? AccessOfDigest(byte[] digest)
    {
        var auth = config.Current.Config.Server.Auth;
        if (Matches(auth.Write, digest))
        {
            return Permission.Write;
        }
        return Matches(auth.Read, digest) ? Permission.Read : null;
    }

    private static bool Matches(AccessConfig creds, byte[] digest)
    {
        // Every entry is compared, so the time taken does not tell which one matched.
        var ok = false;
        foreach (var token in creds.BearerTokens)
        {
            ok |= CryptographicOperations.FixedTimeEquals(Digest("bearer", token), digest);
        }
        foreach (var basic in creds.Basic)
        {
            ok |= CryptographicOperations.FixedTimeEquals(Digest("basic", basic.Username, basic.Password), digest);
        }
        return ok;
    }

    private static byte[] Digest(params string[] parts) => SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', parts)));
}
