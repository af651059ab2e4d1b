#!/usr/bin/env bash
# Prometheus and promtool for the tests (alert rule unit tests, a real Prometheus scraping `zesrec serve`).
#
#   infra/dev/prometheus.sh install   install Debian's prometheus package when missing; prints PROMETHEUS=<binary>
#
# The tests run their own Prometheus process on a free port with a throwaway data folder. The package's own
# service would listen on :9090 with the package's configuration: where systemd runs, it is stopped and disabled.
set -euo pipefail

# shellcheck source=infra/dev/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ZESREC_LOG_TAG=prometheus

case "${1:-}" in
  install)
    if ! zesrec_pkg_installed prometheus; then
      zesrec_apt_install prometheus
      if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
        systemctl disable --now prometheus >/dev/null 2>&1 || zesrec_log "could not stop the packaged prometheus service"
      fi
    fi
    command -v promtool >/dev/null || zesrec_die "promtool missing after installing prometheus"
    printf 'PROMETHEUS=%s\n' "$(command -v prometheus)"
    ;;
  *)
    echo "usage: $0 install" >&2
    exit 2
    ;;
esac
