using System.Net;
using System.Xml.Linq;
using Alerting.Infrastructure;

namespace Alerting.Ui;

/// <summary>Sessions end at logout everywhere, logins cannot be guessed at speed, and the keys behind sessions can be encrypted at rest.</summary>
public sealed class UiSessionSecurityTests
{
    private const string AuthConfig = AlertingTestHost.AuthConfig;

    private static async Task<UiClient> LoggedInAsync(AlertingTestHost host)
    {
        var ui = new UiClient(host);
        var (_, login) = await ui.GetAsync("login");
        Assert.Equal(HttpStatusCode.Redirect, (await ui.SubmitAsync("login", login, ("username", "operator"), ("password", "op-pass"), ("returnUrl", "/silences"))).StatusCode);
        return ui;
    }

    [Fact]
    public async Task A_copied_session_cookie_stops_working_at_logout_on_every_instance()
    {
        await using var host = await AlertingTestHost.StartAsync(AuthConfig);
        await using var other = await AlertingTestHost.StartAsync(AuthConfig, connectionString: host.ConnectionString);
        using var ui = await LoggedInAsync(host);
        var cookie = ui.Cookies.GetCookies(host.BaseAddress)[UiSessions.CookieName]!.Value;

        async Task<HttpStatusCode> WithCopy(AlertingTestHost where)
        {
            using var copy = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = where.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, "silences");
            request.Headers.Add("Cookie", $"{UiSessions.CookieName}={cookie}");
            return (await copy.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await WithCopy(host));
        Assert.Equal(HttpStatusCode.OK, await WithCopy(other));

        var (_, page) = await ui.GetAsync("silences");
        Assert.Equal(HttpStatusCode.Redirect, (await ui.SubmitAsync("logout", page)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await WithCopy(host));
        Assert.Equal(HttpStatusCode.Redirect, await WithCopy(other));
        Assert.Equal(HttpStatusCode.Redirect, (await ui.Http.GetAsync("silences")).StatusCode);
        // Logging in again works.
        using var again = await LoggedInAsync(host);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("silences")).Status);
    }

    [Fact]
    public async Task Failed_logins_are_throttled_per_address()
    {
        await using var host = await AlertingTestHost.StartAsync(AuthConfig);
        using var ui = new UiClient(host);
        var (_, login) = await ui.GetAsync("login");
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await ui.SubmitAsync("login", login, ("token", $"guess-{i}"))).StatusCode);
        }
        // Past the limit even the right credential waits, so guessing gains nothing.
        var blocked = await ui.SubmitAsync("login", login, ("username", "operator"), ("password", "op-pass"));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.NotNull(blocked.Headers.RetryAfter);
        Assert.Null(ui.Cookies.GetCookies(host.BaseAddress)[UiSessions.CookieName]);
    }

    [Fact]
    public async Task Data_protection_keys_are_stored_encrypted_when_a_key_file_is_given()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("alerting-key-").FullName, "ui.key");
        await File.WriteAllTextAsync(file, new string('s', 20) + "-key-encryption-secret\n");
        string cookie;
        string connection;
        await using (var host = await AlertingTestHost.StartAsync(AuthConfig, options: o => o with { KeyEncryptionFile = file }))
        {
            using var ui = await LoggedInAsync(host);
            cookie = ui.Cookies.GetCookies(host.BaseAddress)[UiSessions.CookieName]!.Value;
            connection = host.ConnectionString;
            var xml = await host.ScalarAsync<string>("SELECT string_agg(xml, '') FROM data_protection_keys");
            var key = XElement.Parse($"<all>{xml}</all>");
            Assert.NotEmpty(key.Descendants("encryptedKey"));
            Assert.Empty(key.Descendants("masterKey")); // the key material is not in the table in the clear
        }

        // Another instance (here: a restart) with the same file reads the keys and accepts the session.
        await using (var again = await AlertingTestHost.StartAsync(AuthConfig, connectionString: connection, options: o => o with { KeyEncryptionFile = file }))
        {
            Assert.Equal(HttpStatusCode.OK, await GetWithCookie(again, cookie));
        }
        // Without the file the keys cannot be read: the session is not accepted (the login page is shown instead).
        await using (var without = await AlertingTestHost.StartAsync(AuthConfig, connectionString: connection))
        {
            Assert.Equal(HttpStatusCode.Redirect, await GetWithCookie(without, cookie));
        }
    }

    [Fact]
    public async Task By_default_keys_are_stored_as_they_are()
    {
        await using var host = await AlertingTestHost.StartAsync(AuthConfig);
        using var ui = await LoggedInAsync(host);
        var xml = await host.ScalarAsync<string>("SELECT string_agg(xml, '') FROM data_protection_keys");
        Assert.NotEmpty(XElement.Parse($"<all>{xml}</all>").Descendants("masterKey")); // as security.md says
    }

    private static async Task<HttpStatusCode> GetWithCookie(AlertingTestHost host, string cookie)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "silences");
        request.Headers.Add("Cookie", $"{UiSessions.CookieName}={cookie}");
        return (await client.SendAsync(request)).StatusCode;
    }
}
