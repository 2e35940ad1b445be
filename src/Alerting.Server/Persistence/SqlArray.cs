using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence;

/// <summary>Array parameters, which the set-based statements unnest.</summary>
internal static class SqlArray
{
    public static NpgsqlParameter Of<T>(T[] values, NpgsqlDbType elementType) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };
}
