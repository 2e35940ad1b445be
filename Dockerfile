# Alerting's container image: built from source in the .NET SDK image, run as a non-root user on the
# ASP.NET Core runtime image. Used by docker-compose.yml and deploy/kubernetes.
#
#   docker build -t alerting:0.1.0 .
#   docker run --rm -p 9093:9093 -e ALERTING_DATABASE_URL=postgres://user:pass@db:5432/alerting \
#     -v "$PWD/deploy/alerting.yml:/etc/alerting/alerting.yml:ro" alerting:0.1.0
#
# The versions are pinned; the SDK matches global.json, the runtime the one that SDK ships with.
ARG DOTNET_SDK_VERSION=10.0.401
ARG ASPNET_VERSION=10.0.12

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_SDK_VERSION}-noble AS build
WORKDIR /source
# Restore from the project files alone, so that the package layer survives code changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Alerting.Core/Alerting.Core.csproj src/Alerting.Core/
COPY src/Alerting.Server/Alerting.Server.csproj src/Alerting.Server/
RUN dotnet restore src/Alerting.Server/Alerting.Server.csproj
# .dockerignore keeps this to the sources and the notification templates.
COPY . .
RUN dotnet publish src/Alerting.Server/Alerting.Server.csproj --configuration Release --no-restore \
      --output /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${ASPNET_VERSION}-noble
# curl answers the health check; nothing else is added to the runtime image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# No diagnostics pipe in /tmp (the root filesystem is read-only in the stack), and no default
# ASP.NET port: the listener comes from --web.listen-address.
ENV DOTNET_EnableDiagnostics=0 \
    ASPNETCORE_HTTP_PORTS=
# APP_UID (1654) is the unprivileged "app" user of Microsoft's images.
USER $APP_UID
EXPOSE 9093
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", "http://127.0.0.1:9093/-/healthy"]
ENTRYPOINT ["dotnet", "/app/alerting.dll"]
# Always pass a database: without --database.url or ALERTING_DATABASE_URL the service would try to run
# its own PostgreSQL, whose binaries are not in this image.
CMD ["--config.file=/etc/alerting/alerting.yml", "--web.listen-address=:9093"]
