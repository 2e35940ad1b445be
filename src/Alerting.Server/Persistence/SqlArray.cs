using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence;

/// <summary>Array parameters, which the set-based statements unnest.</summary>
internal static class SqlArray
{
    public static NpgsqlParameter Of<T>(T[] values, NpgsqlDbType elementType) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };

    /// <summary>
    /// JSON documents, sent as <c>text[]</c> for the statement to cast each to jsonb as it reads it. A <c>jsonb[]</c>
    /// parameter is parsed while it is bound, into memory that lives until the statement ends: a flush's 50 snapshots
    /// of 400 alerts took 60 MB in the backend, which glibc then kept (bench/findings.md, session 15).
    /// </summary>
    public static NpgsqlParameter OfJson(string?[] documents) => Of(documents, NpgsqlDbType.Text);
}
