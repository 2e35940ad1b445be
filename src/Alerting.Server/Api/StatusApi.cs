using Alerting.Auth;
using Alerting.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerting.Api;

/// <summary><c>/api/v2/status</c> and <c>/api/v2/receivers</c>: what amtool asks before every command.</summary>
internal static class StatusApi
{
    public static void MapStatusApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/api/v2");
        v2.MapGet("/status", Status).RequireAccess(Permission.Read).WithTags("general").WithName("getStatus")
            .WithSummary("Get current status of the instance and its cluster (a cluster of one)");
        v2.MapGet("/receivers", Receivers).RequireAccess(Permission.Read).WithTags("receiver").WithName("getReceivers")
            .WithSummary("Get list of all receivers");
    }

    private static Ok<StatusResponse> Status(ConfigHolder config, InstanceInfo instance)
    {
        var current = config.Current.Config;
        return TypedResults.Ok(new StatusResponse(
            new ClusterStatus(instance.Name, "ready", [new PeerStatus(instance.Name, instance.Address)]),
            new VersionInfo(
                Branch: instance.Branch,
                BuildDate: instance.BuildDate,
                BuildUser: instance.BuildUser,
                GoVersion: Versioning.BuildInfo.RuntimeVersion,
                Revision: instance.Revision,
                Version: instance.Version),
            new ConfigStatus(current.MaskedYaml),
            instance.StartedAt));
    }

    private static Ok<List<ReceiverName>> Receivers(ConfigHolder config) =>
        TypedResults.Ok(config.Current.Config.Receivers.Select(r => new ReceiverName(r.Name)).ToList());
}
