using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Time;

/// <summary>Go's *time.Location: a name and the zone (abbreviation, offset) in effect at each instant.</summary>
internal abstract class GoLocation : GoValue
{
    public static readonly GoType LocationType = new GoType("*time.Location", GoKind.Pointer, named: false)
        .Method("String", GoSignature.Of(), (r, _) => ((GoLocation)r).Name);

    public static readonly GoLocation Utc = new FixedLocation("UTC", "UTC", 0);

    private static readonly Lazy<GoLocation> LocalZone = new(LoadLocal);

    // Zones read once; the names templates may ask for are bounded by the tz database.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, GoLocation?> Zones = new(StringComparer.Ordinal);

    public override GoType Type => LocationType;

    public abstract string Name { get; }

    /// <summary>time.Local: TZ, else /etc/localtime, else UTC; named "Local" as in Go.</summary>
    public static GoLocation Local => LocalZone.Value;

    public abstract (string Abbreviation, int Offset) Lookup(long unixSeconds);

    /// <summary>time.FixedZone.</summary>
    public static GoLocation Fixed(string name, int offsetSeconds) =>
        offsetSeconds == 0 && name == "UTC" ? Utc : new FixedLocation(name, name, offsetSeconds);

    /// <summary>time.LoadLocation; null with Go's error text when the zone is unknown.</summary>
    public static GoLocation? Load(string name, out string? error)
    {
        error = null;
        if (name is "" or "UTC")
        {
            return Utc;
        }
        if (name == "Local")
        {
            return Local;
        }
        if (name.Contains("..", StringComparison.Ordinal) || name.StartsWith('/') || name.Contains('\\', StringComparison.Ordinal))
        {
            error = "time: invalid location name";
            return null;
        }
        var zone = Zones.Count < 1000 ? Zones.GetOrAdd(name, n => TzifLocation.FromZoneInfo(n, n)) : TzifLocation.FromZoneInfo(name, name);
        if (zone is null)
        {
            error = "unknown time zone " + name;
        }
        return zone;
    }

    private static GoLocation LoadLocal()
    {
        var tz = Environment.GetEnvironmentVariable("TZ");
        if (tz is not null)
        {
            if (tz is "" or "UTC")
            {
                return new FixedLocation("Local", "UTC", 0);
            }
            return (GoLocation?)TzifLocation.FromZoneInfo(tz.TrimStart(':'), "Local") ?? new FixedLocation("Local", "UTC", 0);
        }
        return (GoLocation?)TzifLocation.FromFile("/etc/localtime", "Local") ?? new FixedLocation("Local", "UTC", 0);
    }

    private sealed class FixedLocation(string name, string abbreviation, int offset) : GoLocation
    {
        public override string Name { get; } = name;

        public override (string Abbreviation, int Offset) Lookup(long unixSeconds) => (abbreviation, offset);
    }
}
