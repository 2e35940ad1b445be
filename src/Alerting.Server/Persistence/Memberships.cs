namespace Alerting.Persistence;

/// <summary>
/// Which alerts are in which groups. A new alert's first group is kept on its alerts row (its home: home_group_key,
/// home_route_id, home_added_at), so that a new alert costs one durable row; every other membership is a group_members
/// row. AlertRows writes the home (and clears it: <see cref="AlertRows.LeaveHome"/>), GroupRows the rows. A
/// group_members row with the same group and fingerprint as a home overrides it: a resolved alert posted again is put
/// back there with its new time.
/// </summary>
internal static class Memberships
{
    /// <summary>
    /// Every membership as a relation (group_key, route_id, fingerprint, added_at), to read as a table: <c>FROM
    /// {All} m</c>. Conditions on it reach both parts' indexes.
    /// </summary>
    public const string All = """
        (SELECT group_key, route_id, fingerprint, added_at FROM group_members
         UNION ALL
         SELECT h.home_group_key, h.home_route_id, h.fingerprint, h.home_added_at FROM alerts h
         WHERE h.home_group_key IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM group_members o
             WHERE o.group_key = h.home_group_key AND o.route_id = h.home_route_id AND o.fingerprint = h.fingerprint))
        """;
}
