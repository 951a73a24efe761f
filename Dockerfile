# One image recipe for every PROXe program:
#   docker build --build-arg SERVICE=Gateway .      (Gateway | Workers | Dashboard)
#   docker build --build-arg SERVICE=Cli --build-arg ASSEMBLY=proxe .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN dotnet publish "src/Proxe.${SERVICE}/Proxe.${SERVICE}.csproj" -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SERVICE
ARG ASSEMBLY=Proxe.${SERVICE}
WORKDIR /app
COPY --from=build /app .
ENV APP_DLL=${ASSEMBLY}.dll \
    ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
# The gateway's spool folder, owned by the app user, so a fresh volume mounted there starts writable.
RUN mkdir -p /var/lib/proxe/spool && chown "$APP_UID" /var/lib/proxe/spool
USER $APP_UID
ENTRYPOINT ["sh", "-c", "exec dotnet \"$APP_DLL\" \"$@\"", "--"]
