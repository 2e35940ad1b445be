using Alerting.Infrastructure;
using Microsoft.Playwright;

namespace Alerting.Browser;

/// <summary>
/// The screenshots in docs/images/ that docs/channels.md shows. Written only when UPDATE_SCREENSHOTS=1, so a
/// normal test run never changes the work tree:
/// <c>UPDATE_SCREENSHOTS=1 dotnet test tests/Alerting.Server.Tests --filter FullyQualifiedName~Browser</c>.
/// </summary>
internal static class Screenshots
{
    public static bool Enabled => Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1";

    public static async Task SaveAsync(IPage page, string name)
    {
        if (!Enabled)
        {
            return;
        }
        var dir = Path.Combine(TestEnvironment.RepositoryRoot, "docs", "images");
        Directory.CreateDirectory(dir);
        // The page's content, not the empty rest of a tall phone screen.
        var size = await page.EvaluateAsync<int[]>("() => [document.documentElement.clientWidth, Math.ceil(document.body.getBoundingClientRect().bottom) + 16]");
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(dir, name),
            FullPage = true,
            Clip = new Clip { X = 0, Y = 0, Width = size[0], Height = size[1] },
            Type = ScreenshotType.Png,
        });
    }
}
