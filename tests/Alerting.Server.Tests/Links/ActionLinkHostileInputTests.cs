using System.Net;
using Alerting.Core.Labels;
using Alerting.Infrastructure;
using Alerting.Templating;
using Microsoft.Extensions.DependencyInjection;

namespace Alerting.Links;

/// <summary>What probing found on the action pages and link keys: each answer is a 4xx or a clean success, never a 500.</summary>
public sealed class ActionLinkHostileInputTests
{
    private const string GroupKey = "{}:{alertname=\"Linked\"}";

    private static string Config(WebhookSink sink, string extra = "") =>
        TestConfig.Webhook(sink.Url(), repeat: "2s", resolveTimeout: null, extra: extra);

    private static async Task<ActionLinks> LinksAsync(AlertingTestHost host) =>
        await host.Server.Services.GetRequiredService<LinkSigner>().ForGroupAsync(
            GroupKey, "hook", LabelSet.From(("alertname", "Linked")), host.BaseAddress.ToString(), CancellationToken.None);

    private static string PathOf(string link) => new Uri(link).PathAndQuery.TrimStart('/');

    private static string TokenOf(string link) => new Uri(link).Segments[^1];

    [Fact]
    public async Task A_form_field_named_token_does_not_stand_in_for_the_paths()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(sink));
        var links = await LinksAsync(host);
        var forged = await host.Client.PostAsync("action/not-a-token", new FormUrlEncodedContent([new("token", TokenOf(links.Silence1h)), new("name", "x")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(0, await host.CountAsync("silences"));
    }

    [Fact]
    public async Task Hostile_names_and_form_values_get_4xx_or_a_clean_name()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(sink));

        // A NUL in the form: ASP.NET Core's form reader refuses it (400), and the link is not used up.
        var links = await LinksAsync(host);
        var nul = await host.Client.PostAsync(PathOf(links.Silence1h), new FormUrlEncodedContent([new("name", "Ana\0Bo")]));
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync(PathOf(links.Silence1h), new FormUrlEncodedContent([new("name", "Ana")]))).StatusCode);
        // What the form reader lets through is cleaned before it is stored.
        Assert.Null(LinkActions.ActorName("\0\u0007 "));
        Assert.Equal("AnaBo", LinkActions.ActorName("Ana\0Bo"));
        Assert.Equal("ab", LinkActions.ActorName("a\uD800b")); // an unpaired surrogate is dropped

        // 99 letters and an emoji: cut before the emoji, not through it (a lone surrogate cannot be stored).
        links = await LinksAsync(host);
        var emoji = await host.Client.PostAsync(PathOf(links.Acknowledge), new FormUrlEncodedContent([new("name", new string('a', 99) + "😀")]));
        Assert.True(emoji.StatusCode is HttpStatusCode.OK or HttpStatusCode.Gone, $"{(int)emoji.StatusCode}");
        Assert.Equal(new string('a', 99), await host.ScalarAsync<string>("SELECT used_by FROM used_links WHERE action = 'ack'"));

        // A value past the form reader's 4 MB limit, and a NUL in the path's token.
        links = await LinksAsync(host);
        var huge = await host.Client.PostAsync(PathOf(links.Silence4h), new FormUrlEncodedContent([new("name", new string('x', 4 * 1024 * 1024 + 10))]));
        Assert.True((int)huge.StatusCode is >= 400 and < 500, $"4 MB name: {(int)huge.StatusCode}");
        var nulToken = await host.Client.PostAsync("action/abc%00.def", new FormUrlEncodedContent([new("name", "x")]));
        Assert.True((int)nulToken.StatusCode is >= 400 and < 500, $"NUL token: {(int)nulToken.StatusCode}");
        Assert.Equal(1, await host.CountAsync("silences"));
    }

    [Theory]
    [InlineData("''")]
    [InlineData("[short]")]
    public async Task Previous_keys_follow_the_signing_keys_32_character_rule(string previous)
    {
        using var sink = new WebhookSink();
        var key = new string('k', 40);
        await using var host = await AlertingTestHost.StartAsync(Config(sink, $"server:\n  links:\n    signing_key: {key}\n"));
        var list = previous == "''" ? "['']" : previous;
        await File.WriteAllTextAsync(host.ConfigPath, Config(sink, $"server:\n  links:\n    signing_key: {key}\n    previous_keys: {list}\n"));
        var reload = await host.Client.PostAsync("-/reload", null);
        Assert.False(reload.IsSuccessStatusCode);
        Assert.Contains("previous_keys", await reload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_signed_with_an_empty_key_is_refused()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(sink));
        var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new LinkClaims(
            LinkClaims.Silence, GroupKey, new() { ["alertname"] = "Linked" }, 3600, DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds(), "n"));
        var token = System.Buffers.Text.Base64Url.EncodeToString(payload) + "."
            + System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.HMACSHA256.HashData(Array.Empty<byte>(), payload));
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync("action/" + token, new FormUrlEncodedContent([new("name", "x")]))).StatusCode);
        Assert.Equal(0, await host.CountAsync("silences"));
    }
}
