namespace Alerting.Persistence;

/// <summary>
/// Which alerts are in which groups. A new alert's first group is kept on its alerts row (its home: home_group_key,
/// home_route_id, home_added_at), so that a new alert costs one durable row; every other membership is a group_members
/// row (GroupRows writes those, and moves an alert out of its home). A group_members row with the same group and
/// fingerprint as a home overrides it: a resolved alert posted again is put back there with its new time.
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

    /// <summary>
    /// A statement (or a CTE's body) that takes alerts out of their home groups: <paramref name="from"/> names the rows
    /// that say which, <paramref name="where"/> matches them to the alert row <c>a</c>; <paramref name="returning"/>
    /// what it returns.
    /// </summary>
    public static string LeaveHome(string from, string where, string returning = "a.fingerprint") => $"""
        UPDATE alerts a SET home_group_key = NULL, home_route_id = NULL, home_added_at = NULL
        FROM {from} WHERE a.home_group_key IS NOT NULL AND {where}
        RETURNING {returning}
        """;
}
