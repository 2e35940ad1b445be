using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence;

/// <summary>
/// The alerts' history table: every write to alert_events starts with <see cref="InsertInto"/>. An instance collects
/// lifecycle events during one transaction and writes them with one statement (<see cref="InsertSql"/>).
/// </summary>
internal sealed class AlertEvents
{
    public const string InsertInto = "INSERT INTO alert_events (fingerprint, at, event, group_key, detail)";

    private readonly List<long> _fingerprints = [];
    private readonly List<DateTime> _at = [];
    private readonly List<string> _events = [];
    private readonly List<string?> _groups = [];
    private readonly List<string?> _details = [];

    public int Count => _fingerprints.Count;

    public void Add(long fingerprint, DateTimeOffset at, string @event, string? groupKey, string? detail)
    {
        _fingerprints.Add(fingerprint);
        _at.Add(at.UtcDateTime);
        _events.Add(@event);
        _groups.Add(groupKey);
        _details.Add(detail);
    }

    public const string InsertSql = InsertInto + """

        SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[])
        """;

    /// <summary>Adds the five arrays (fingerprint, at, event, group, detail), in this order, to a statement that inserts them.</summary>
    public void AddParameters(NpgsqlCommand cmd) => AddParameters(cmd.Parameters);

    public void AddParameters(NpgsqlBatchCommand cmd) => AddParameters(cmd.Parameters);

    private void AddParameters(NpgsqlParameterCollection parameters)
    {
        parameters.Add(new NpgsqlParameter { Value = _fingerprints.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter { Value = _at.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter { Value = _events.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = _groups.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = _details.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
    }

    /// <summary>History older than the cutoff.</summary>
    public static NpgsqlBatchCommand DeleteBefore(DateTimeOffset cutoff)
    {
        var cmd = new NpgsqlBatchCommand("DELETE FROM alert_events WHERE at < $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = cutoff.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }
}
