using Alerting.Infrastructure;
using Microsoft.Playwright;

namespace Alerting.Browser;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, apt-get install chromium) driven by Playwright, headless, with a
/// fresh profile each time. Playwright's own browser builds are never downloaded or used: the machine that runs
/// the tests reaches no network but package registries.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>A phone's screen in CSS pixels (an iPhone 12 to 15).</summary>
    public const int PhoneWidth = 390;
    public const int PhoneHeight = 844;

    private static readonly string[] s_args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly TempDirectory _profile;

    private Chromium(IPlaywright playwright, TempDirectory profile, IBrowserContext context)
    {
        _playwright = playwright;
        _profile = profile;
        Context = context;
    }

    public IBrowserContext Context { get; }

    /// <summary>The tab the browser opened with.</summary>
    public IPage Page => Context.Pages[0];

    /// <param name="javaScript">False turns JavaScript off for every page, as some phones' reader modes and mail apps do.</param>
    /// <param name="phone">A 390×844 touch screen instead of a 1280×720 desktop window.</param>
    public static async Task<Chromium> LaunchAsync(bool javaScript = true, bool phone = false)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is required but not installed (apt-get install chromium)");
        }
        var playwright = await Playwright.CreateAsync();
        var profile = new TempDirectory("alerting-chromium-");
        try
        {
            var options = new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = s_args,
                JavaScriptEnabled = javaScript,
                Locale = "en-US",
                Timeout = 60_000,
            };
            if (phone)
            {
                options.ViewportSize = new ViewportSize { Width = PhoneWidth, Height = PhoneHeight };
                options.DeviceScaleFactor = 1; // keeps the screenshots small
                options.IsMobile = true;
                options.HasTouch = true;
            }
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.Path, options);
            context.SetDefaultTimeout(15_000);
            if (context.Pages.Count == 0)
            {
                await context.NewPageAsync();
            }
            return new Chromium(playwright, profile, context);
        }
        catch
        {
            playwright.Dispose();
            profile.Dispose();
            throw;
        }
    }

    /// <summary>How wide the page is laid out, in CSS pixels: more than the viewport means horizontal scrolling. Needs JavaScript.</summary>
    public static Task<int> ScrollWidthAsync(IPage page) => page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");

    /// <summary>The innermost elements whose content is wider than their box, or that reach past the screen, for a failure message.</summary>
    public static Task<string> TooWideAsync(IPage page) => page.EvaluateAsync<string>("""
        () => {
          const screen = document.documentElement.clientWidth;
          const wide = e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > screen + 0.5;
          return [...document.body.querySelectorAll('*')]
            .filter(e => wide(e) && ![...e.children].some(wide))
            .slice(0, 5)
            .map(e => `<${e.tagName.toLowerCase()}> ${e.scrollWidth}px "${e.textContent.trim().slice(0, 80)}"`)
            .join('; ');
        }
        """);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // Closing has no timeout of its own; a browser that does not close goes with its driver, disposed below.
        }
        finally
        {
            _playwright.Dispose();
            try
            {
                _profile.Dispose();
            }
            catch (IOException)
            {
                // Chromium may still be flushing its profile; the temp directory is cleaned up eventually anyway.
            }
        }
    }
}
