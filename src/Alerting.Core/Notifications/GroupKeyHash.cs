using System.Security.Cryptography;
using System.Text;

namespace Alerting.Core.Notifications;

/// <summary>
/// Alertmanager's notify.Key.Hash: hex SHA-256 of the group key, for integrations whose dedup keys
/// have length limits (PagerDuty, Opsgenie, VictorOps...). The webhook sends the plain key.
/// </summary>
public static class GroupKeyHash
{
    public static string Hash(string groupKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(groupKey)));
}
