# Alerting's container image: built from source in the .NET SDK image, run as a non-root user on the
# ASP.NET Core runtime image. Used by docker-compose.yml and deploy/kubernetes.
#
#   docker build -t alerting:0.1.0 \
#     --build-arg REVISION="$(git rev-parse HEAD)" --build-arg BRANCH="$(git rev-parse --abbrev-ref HEAD)" \
#     --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
#   docker run --rm -p 9093:9093 -e ALERTING_DATABASE_URL=postgres://user:pass@db:5432/alerting \
#     -v "$PWD/deploy/alerting.yml:/etc/alerting/alerting.yml:ro" alerting:0.1.0
#
# The tag is <Version> of Directory.Build.props (VERSION below, and the tags in docker-compose.yml and
# deploy/kubernetes/kustomization.yaml: deploy/check.sh compares them). The sources have no .git here, so
# the revision and branch come in as build arguments; without them --version says "unknown".
#
# The versions are pinned; the SDK matches global.json, the runtime the one that SDK ships with.
ARG DOTNET_SDK_VERSION=10.0.401
ARG ASPNET_VERSION=10.0.12
# The runtime image is chiseled (no shell, no package manager): the health check is `alerting healthcheck`,
# and every secret is read from a mounted file (*_file settings), so nothing runs a shell at start. For a
# shell to debug with, build with --build-arg RUNTIME_FLAVOR=noble.
ARG RUNTIME_FLAVOR=noble-chiseled

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_SDK_VERSION}-noble AS build
# BuildKit's target architecture (amd64, arm64): ReadyToRun code is compiled for one runtime identifier.
ARG TARGETARCH
ARG REVISION=unknown
ARG BRANCH=unknown
WORKDIR /source
# Restore from the project files alone, so that the package layer survives code changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Alerting.Core/Alerting.Core.csproj src/Alerting.Core/
COPY src/Alerting.GoTemplates/Alerting.GoTemplates.csproj src/Alerting.GoTemplates/
COPY src/Alerting.Server/Alerting.Server.csproj src/Alerting.Server/
RUN case "${TARGETARCH:-amd64}" in amd64) echo linux-x64 ;; *) echo "linux-${TARGETARCH}" ;; esac > /tmp/rid \
 && dotnet restore src/Alerting.Server/Alerting.Server.csproj --runtime "$(cat /tmp/rid)" -p:PublishReadyToRun=true
# .dockerignore keeps this to the sources and the notification templates.
COPY . .
# ReadyToRun: precompiled code for the service's own assemblies and its packages (the runtime's are already),
# so that a start JITs far less (docs/benchmarks.md, "Start-up").
RUN dotnet publish src/Alerting.Server/Alerting.Server.csproj --configuration Release --no-restore \
      --runtime "$(cat /tmp/rid)" --self-contained false -p:PublishReadyToRun=true -p:UseAppHost=false \
      -p:AlertingRevision="${REVISION}" -p:AlertingBranch="${BRANCH}" --output /app

FROM mcr.microsoft.com/dotnet/aspnet:${ASPNET_VERSION}-${RUNTIME_FLAVOR}
ARG ASPNET_VERSION
ARG RUNTIME_FLAVOR
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="alerting" \
      org.opencontainers.image.description="Alertmanager-compatible alert routing and notification, state in PostgreSQL" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="mcr.microsoft.com/dotnet/aspnet:${ASPNET_VERSION}-${RUNTIME_FLAVOR}"
WORKDIR /app
COPY --from=build /app ./
# No diagnostics pipe in /tmp (the root filesystem is read-only in the stack), and no default
# ASP.NET port: the listener comes from --web.listen-address. Two glibc malloc arenas from the
# first thread on (the service sets the same limit itself, but only after the runtime's first
# threads have made theirs; bench/findings.md, "Session 13").
ENV DOTNET_EnableDiagnostics=0 \
    ASPNETCORE_HTTP_PORTS= \
    MALLOC_ARENA_MAX=2
# APP_UID (1654) is the unprivileged "app" user of Microsoft's images, chiseled ones included.
USER $APP_UID
EXPOSE 9093
# No shell and no curl: the binary checks itself (exit 0 on 200 from /-/healthy at 127.0.0.1:9093).
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["dotnet", "/app/alerting.dll", "healthcheck", "--url=http://127.0.0.1:9093/-/healthy"]
ENTRYPOINT ["dotnet", "/app/alerting.dll"]
# Always pass a database: without --database.url or ALERTING_DATABASE_URL the service would try to run
# its own PostgreSQL, whose binaries are not in this image.
CMD ["--config.file=/etc/alerting/alerting.yml", "--web.listen-address=:9093"]
