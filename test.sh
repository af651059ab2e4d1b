#!/usr/bin/env bash
# Runs the whole test suite in two tiers: first the unit tier, which needs no services and stops the run at its
# first failure; then installs and starts PostgreSQL + pgvector and the Kafka development broker, runs the
# integration tier against them, and stops the services again.
# Set ZESREC_KEEP_SERVICES=1 to leave the services running afterwards. Arguments go to both `dotnet test` runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# shellcheck source=infra/dev/lib.sh
. infra/dev/lib.sh
ZESREC_DATA_ROOT=$(zesrec_data_root)
export ZESREC_DATA_ROOT

dotnet build ZesRec.Streaming.sln -c Release -nologo -v quiet
# Benchmarks are run on purpose (docs/benchmarks.md), not as part of the suite.
dotnet test ZesRec.Streaming.sln -c Release --no-build -nologo --filter "Tier!=Integration&Category!=Benchmark" "$@"

bash infra/dev/stack.sh up
if [[ "${ZESREC_KEEP_SERVICES:-0}" != 1 ]]; then
  trap 'bash infra/dev/stack.sh down' EXIT
fi
eval "$(bash infra/dev/stack.sh env)"

dotnet test ZesRec.Streaming.sln -c Release --no-build -nologo --filter "Tier=Integration&Category!=Benchmark" --logger "console;verbosity=normal" "$@"
