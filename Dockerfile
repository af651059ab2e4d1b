# The zesrec service. Ubuntu-based .NET 10 images ship a libstdc++ with GLIBCXX_3.4.32, so the build's
# TorchSharp loader fix (build/TorchSharp.targets) is a no-op here.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/ZesRec.Cli/ZesRec.Cli.csproj -c Release -r linux-x64 --self-contained false -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
EXPOSE 9400
ENTRYPOINT ["dotnet", "/app/zesrec.dll"]
