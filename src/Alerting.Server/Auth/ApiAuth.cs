using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Alerting.Configuration;
using Alerting.Core.Configuration;

namespace Alerting.Auth;

internal enum Permission
{
    /// <summary>GET endpoints: alerts, silences, status, history.</summary>
    Read,

    /// <summary>Operators: silences, reload.</summary>
    Write,

    /// <summary>Posting alerts (Prometheus, amtool, Grafana).</summary>
    Send,
}

/// <summary>
/// Optional API authentication, off by default as in Alertmanager. <c>server.auth.read</c> guards reads,
/// <c>server.auth.write</c> guards operator actions, <c>server.auth.send</c> guards posting alerts. A write
/// credential also reads and sends; a send credential does nothing else. Each role is off while empty,
/// except that sending stays guarded by <c>write</c> while <c>send</c> is empty, as before there was a send role.
/// </summary>
internal static class ApiAuth
{
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, Permission access)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            var config = ctx.HttpContext.RequestServices.GetRequiredService<ConfigHolder>().Current.Config.Server.Auth;
            return Allowed(ctx.HttpContext.Request, config, access)
                ? await next(ctx)
                : Challenge(ctx.HttpContext, config);
        });

    /// <summary>Whether the request's credentials (or the absence of any configured) grant <paramref name="access"/>.</summary>
    public static bool Allowed(HttpRequest request, AuthConfig auth, Permission access)
    {
        if (IsOpen(auth, access))
        {
            return true;
        }
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0 || !AuthenticationHeaderValue.TryParse(header, out var value) || value.Parameter is null)
        {
            return false;
        }
        // An open role lists no credentials, so Accepts is false for it.
        return access switch
        {
            Permission.Read => Accepts(auth.Read, value) || Accepts(auth.Write, value),
            Permission.Send => Accepts(auth.Send, value) || Accepts(auth.Write, value),
            _ => Accepts(auth.Write, value),
        };
    }

    /// <summary>True when no credential is needed for <paramref name="access"/>.</summary>
    public static bool IsOpen(AuthConfig auth, Permission access) => access switch
    {
        Permission.Read => auth.Read.IsOpen,
        Permission.Send => auth.Send.IsOpen && auth.Write.IsOpen,
        _ => auth.Write.IsOpen,
    };

    private static bool Accepts(AccessConfig creds, AuthenticationHeaderValue value)
    {
        if (value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return creds.BearerTokens.Any(t => FixedTimeEquals(t, value.Parameter!));
        }
        if (value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter!));
            }
            catch (FormatException)
            {
                return false;
            }
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return false;
            }
            var (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
            // Check every entry so the time taken does not tell which user exists.
            var ok = false;
            foreach (var b in creds.Basic)
            {
                ok |= FixedTimeEquals(b.Username, user) & FixedTimeEquals(b.Password, password);
            }
            return ok;
        }
        return false;
    }

    /// <summary>Compares digests, so neither content nor length leaks through timing.</summary>
    internal static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)),
            SHA256.HashData(Encoding.UTF8.GetBytes(actual)));

    private static IResult Challenge(HttpContext context, AuthConfig auth)
    {
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"alerting\", Bearer";
        return TypedResults.Text("unauthorized: missing or wrong credentials", statusCode: StatusCodes.Status401Unauthorized);
    }
}
