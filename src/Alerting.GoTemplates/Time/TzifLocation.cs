namespace Alerting.GoTemplates.Time;

/// <summary>A zone read from the system's tz database (TZif), as Go's LoadLocation reads it.</summary>
internal sealed class TzifLocation : GoLocation
{
    private static readonly string[] ZoneDirectories = ["/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/"];

    private readonly long[] _transitions;
    private readonly byte[] _transitionZones;
    private readonly (string Abbreviation, int Offset, bool Dst)[] _zones;
    private readonly PosixTz? _rule;

    private TzifLocation(string name, long[] transitions, byte[] transitionZones, (string, int, bool)[] zones, PosixTz? rule)
    {
        Name = name;
        _transitions = transitions;
        _transitionZones = transitionZones;
        _zones = zones;
        _rule = rule;
    }

    public override string Name { get; }

    public static TzifLocation? FromZoneInfo(string zone, string name)
    {
        foreach (var dir in ZoneDirectories)
        {
            var found = FromFile(dir + zone, name);
            if (found is not null)
            {
                return found;
            }
        }
        return null;
    }

    public static TzifLocation? FromFile(string path, string name)
    {
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllBytes(path), name) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public override (string Abbreviation, int Offset) Lookup(long unixSeconds)
    {
        if (_zones.Length == 0)
        {
            return ("UTC", 0);
        }
        if (_transitions.Length == 0 || unixSeconds < _transitions[0])
        {
            var first = FirstStandardZone();
            return (_zones[first].Abbreviation, _zones[first].Offset);
        }
        if (unixSeconds >= _transitions[^1] && _rule is not null)
        {
            return _rule.Lookup(unixSeconds);
        }
        var lo = 0;
        var hi = _transitions.Length;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (unixSeconds < _transitions[mid])
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }
        var zone = _zones[_transitionZones[lo]];
        return (zone.Abbreviation, zone.Offset);
    }

    // Go's lookupFirstZone: the first non-DST zone, before any transition.
    private int FirstStandardZone()
    {
        if (_transitionZones.Length > 0 && _zones[_transitionZones[0]].Dst)
        {
            for (var zi = _transitionZones[0] - 1; zi >= 0; zi--)
            {
                if (!_zones[zi].Dst)
                {
                    return zi;
                }
            }
        }
        for (var zi = 0; zi < _zones.Length; zi++)
        {
            if (!_zones[zi].Dst)
            {
                return zi;
            }
        }
        return 0;
    }

    private static TzifLocation? Parse(byte[] data, string name)
    {
        if (data.Length < 44 || data[0] != 'T' || data[1] != 'Z' || data[2] != 'i' || data[3] != 'f')
        {
            return null;
        }
        var version = data[4];
        var offset = 0;
        var header = ReadHeader(data, offset);
        var timeSize = 4;
        if (version >= '2')
        {
            // Skip the 32-bit block; the 64-bit one follows with its own header.
            offset = 44 + header.BlockLength(4);
            header = ReadHeader(data, offset);
            timeSize = 8;
        }
        var p = offset + 44;
        var transitions = new long[header.TimeCount];
        for (var i = 0; i < header.TimeCount; i++, p += timeSize)
        {
            transitions[i] = timeSize == 8 ? BigEndian64(data, p) : BigEndian32(data, p);
        }
        var transitionZones = new byte[header.TimeCount];
        Array.Copy(data, p, transitionZones, 0, header.TimeCount);
        p += header.TimeCount;
        var zoneStart = p;
        p += header.TypeCount * 6;
        var abbreviations = data.AsSpan(p, header.CharCount);
        var zones = new (string, int, bool)[header.TypeCount];
        for (var i = 0; i < header.TypeCount; i++)
        {
            var z = zoneStart + (i * 6);
            var abbrevIndex = data[z + 5];
            var end = abbreviations[abbrevIndex..].IndexOf((byte)0);
            var abbreviation = System.Text.Encoding.ASCII.GetString(abbreviations.Slice(abbrevIndex, end < 0 ? abbreviations.Length - abbrevIndex : end));
            zones[i] = (abbreviation, (int)BigEndian32(data, z), data[z + 4] != 0);
        }
        PosixTz? rule = null;
        if (version >= '2')
        {
            var footerStart = offset + 44 + header.BlockLength(8);
            var text = System.Text.Encoding.ASCII.GetString(data, footerStart, data.Length - footerStart).Trim('\n');
            rule = PosixTz.Parse(text);
        }
        return new TzifLocation(name, transitions, transitionZones, zones, rule);
    }

    private static long BigEndian64(byte[] d, int p) => (BigEndian32(d, p) << 32) | (uint)BigEndian32(d, p + 4);

    private static long BigEndian32(byte[] d, int p) => (int)((uint)d[p] << 24 | (uint)d[p + 1] << 16 | (uint)d[p + 2] << 8 | d[p + 3]);

    private static Header ReadHeader(byte[] d, int offset) => new(
        (int)BigEndian32(d, offset + 20),
        (int)BigEndian32(d, offset + 24),
        (int)BigEndian32(d, offset + 28),
        (int)BigEndian32(d, offset + 32),
        (int)BigEndian32(d, offset + 36),
        (int)BigEndian32(d, offset + 40));

    private readonly record struct Header(int IsUtcCount, int IsStdCount, int LeapCount, int TimeCount, int TypeCount, int CharCount)
    {
        public int BlockLength(int timeSize) =>
            (TimeCount * timeSize) + TimeCount + (TypeCount * 6) + CharCount + (LeapCount * (timeSize + 4)) + IsStdCount + IsUtcCount;
    }
}
