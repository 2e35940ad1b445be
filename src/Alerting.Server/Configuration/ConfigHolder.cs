using System.Runtime.InteropServices;
using Alerting.Core.Configuration;
using Alerting.Core.Matching;
using Alerting.Metrics;

namespace Alerting.Configuration;

/// <summary>
/// Holds the running configuration and reloads it from its file on request (HTTP or SIGHUP).
/// An invalid file is refused and the running configuration stays.
/// </summary>
internal sealed class ConfigHolder : IDisposable
{
    private readonly string _path;
    private readonly IReadOnlyList<ChannelReader> _channels;
    private readonly MatcherSyntax _syntax;
    private readonly AlertingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigHolder> _log;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private PosixSignalRegistration? _sighup;
    private RuntimeConfig _current;

    /// <param name="channels">The channels a reload reads, as the first load did.</param>
    /// <param name="syntax">Label names and matchers in --enable-feature's mode, as the first load read them.</param>
    public ConfigHolder(
        string path, IReadOnlyList<ChannelReader> channels, MatcherSyntax syntax, RuntimeConfig initial, AlertingMetrics metrics, TimeProvider time, ILogger<ConfigHolder> log)
    {
        _path = path;
        _channels = channels;
        _syntax = syntax;
        _current = initial;
        _metrics = metrics;
        _time = time;
        _log = log;
        LastReload = time.GetUtcNow();
        metrics.ConfigLoaded(initial.Config, success: true, LastReload);
    }

    public RuntimeConfig Current => Volatile.Read(ref _current);

    public DateTimeOffset LastReload { get; private set; }

    public string? LastReloadError { get; private set; }

    public event Action<RuntimeConfig>? Reloaded;

    /// <summary>Starts listening for SIGHUP, as Alertmanager does.</summary>
    public void ListenForSighup()
    {
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
            {
                ctx.Cancel = true; // SIGHUP must not terminate the process.
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var error = await ReloadAsync();
                        if (error is not null)
                        {
                            _log.LogError("Reload on SIGHUP failed: {Error}", error);
                        }
                    }
                    catch (Exception e)
                    {
                        // Nobody awaits this task: an exception would vanish, and with it the reload.
                        LastReloadError = e.Message;
                        _log.LogError(e, "Reload on SIGHUP failed");
                    }
                });
            });
        }
    }

    /// <summary>Reloads the file. Returns null on success, or the reason it was refused.</summary>
    public async Task<string?> ReloadAsync()
    {
        await _reloadLock.WaitAsync();
        try
        {
            RuntimeConfig next;
            try
            {
                next = RuntimeConfig.From(ConfigLoader.LoadFile(_path, _channels, _syntax));
            }
            catch (Exception e) when (e is ConfigException or IOException or UnauthorizedAccessException)
            {
                LastReloadError = e.Message;
                _metrics.ConfigLoaded(Current.Config, success: false, _time.GetUtcNow());
                _log.LogError("Configuration reload refused, keeping the running configuration: {Error}", e.Message);
                return e.Message;
            }
            Volatile.Write(ref _current, next);
            LastReload = _time.GetUtcNow();
            LastReloadError = null;
            _metrics.ConfigLoaded(next.Config, success: true, LastReload);
            foreach (var warning in next.Config.Warnings)
            {
                _log.LogWarning("{Warning}", warning);
            }
            _log.LogInformation("Configuration reloaded from {Path}", _path);
            Reloaded?.Invoke(next);
            return null;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    public void Dispose()
    {
        _sighup?.Dispose();
        _reloadLock.Dispose();
    }
}
