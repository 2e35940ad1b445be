using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Alerting.Ui;

/// <summary>The UI's one stylesheet and one script, built into the binary: no CDN, no front-end build chain.</summary>
internal static class UiAssets
{
    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, Asset> s_assets = new Dictionary<string, Asset>
    {
        ["ui.css"] = Load("ui.css", "text/css; charset=utf-8"),
        ["ui.js"] = Load("ui.js", "text/javascript; charset=utf-8"),
    }.ToFrozenDictionary();

    /// <summary>A version tag for asset URLs, so browsers fetch a new file after an upgrade.</summary>
    public static string Version(string name) => s_assets[name].ETag.Trim('"')[..12];

    public static IResult Serve(string name, HttpContext context)
    {
        if (!s_assets.TryGetValue(name, out var asset))
        {
            return TypedResults.NotFound();
        }
        context.Response.Headers.CacheControl = "public, max-age=86400";
        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(UiAssets).Assembly.GetManifestResourceStream($"Alerting.Ui.Assets.{name}")
            ?? throw new InvalidOperationException($"embedded UI asset {name} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return new Asset(bytes, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
    }
}
