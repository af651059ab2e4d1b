#!/usr/bin/env bash
# Runs the whole test suite against real local services: installs and starts PostgreSQL + pgvector and the
# Kafka development broker, runs every test project, then stops the services again.
# Set ZESREC_KEEP_SERVICES=1 to leave the services running afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# shellcheck source=infra/dev/lib.sh
. infra/dev/lib.sh
ZESREC_DATA_ROOT=$(zesrec_data_root)
export ZESREC_DATA_ROOT

bash infra/dev/stack.sh up
if [[ "${ZESREC_KEEP_SERVICES:-0}" != 1 ]]; then
  trap 'bash infra/dev/stack.sh down' EXIT
fi
eval "$(bash infra/dev/stack.sh env)"

dotnet build ZesRec.Streaming.sln -c Release -nologo -v quiet
# Benchmarks are run on purpose (docs/benchmarks.md), not as part of the suite.
dotnet test ZesRec.Streaming.sln -c Release --no-build -nologo --filter "Category!=Benchmark" --logger "console;verbosity=normal" "$@"
