# shellcheck shell=bash
# Small helpers shared by the infra/dev service scripts. Source it; it defines
# functions only and changes no shell options of the caller.

# The repository root: the folder above infra/ (this file lives in infra/dev/).
zesrec_repo_root() {
  (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
}

# Messages go to stderr so that stdout stays machine-readable (e.g. the
# ZESREC_Postgres__ConnectionString= line that tests parse).
# The shared datasets: $ZESREC_DATA_ROOT, else ../shared/data beside the repository, else (a clone made elsewhere,
# e.g. under mktemp -d) ../shared/data beside the local repository it was cloned from.
zesrec_data_root() {
  local root origin
  root=$(zesrec_repo_root)
  if [[ -n ${ZESREC_DATA_ROOT:-} ]]; then
    printf '%s\n' "$ZESREC_DATA_ROOT"
  elif [[ -d $root/../shared/data ]]; then
    (cd "$root/../shared/data" && pwd)
  elif origin=$(git -C "$root" config --get remote.origin.url 2>/dev/null) && [[ -d $origin/../shared/data ]]; then
    (cd "$origin/../shared/data" && pwd)
  else
    printf '%s\n' "$root/../shared/data"
  fi
}

# Closes every file descriptor above 2 of the calling (sub)shell. Call it in the subshell that then starts a
# daemon: a daemon keeps whatever it inherits for as long as it runs, such as a lock the caller holds (flock) or
# the write end of a pipe the caller reads to its end. Redirect 0, 1 and 2 on the daemon's command itself.
zesrec_close_fds() {
  local fd fds=()
  if [[ -d /proc/$BASHPID/fd ]]; then
    for fd in /proc/"$BASHPID"/fd/*; do
      fds+=("${fd##*/}")
    done
  else
    for ((fd = 3; fd < 1024; fd++)); do
      fds+=("$fd")
    done
  fi
  for fd in "${fds[@]}"; do
    if [[ $fd =~ ^[0-9]+$ ]] && ((fd > 2)); then
      exec {fd}>&-
    fi
  done
}

zesrec_log() {
  printf '[%s] %s\n' "${ZESREC_LOG_TAG:-zesrec}" "$*" >&2
}

zesrec_die() {
  printf '[%s] ERROR: %s\n' "${ZESREC_LOG_TAG:-zesrec}" "$*" >&2
  exit 1
}

zesrec_is_root() {
  [[ ${EUID:-$(id -u)} -eq 0 ]]
}

# True when a Debian package is installed (not merely known or half-removed).
zesrec_pkg_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# Installs the given Debian packages that are not yet installed; a no-op (and no
# apt-get update) when all of them are. Output goes to the log file given in
# ZESREC_APT_LOG, or to stderr.
zesrec_apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    zesrec_pkg_installed "$pkg" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  zesrec_is_root || zesrec_die "packages missing (${missing[*]}) and not root: run as root or install them first"
  zesrec_log "installing ${missing[*]} (apt-get)"
  local log=${ZESREC_APT_LOG:-/dev/stderr}
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  } >>"$log" 2>&1 || zesrec_die "apt-get install ${missing[*]} failed (see $log)"
}

# The codename of this Debian release (e.g. bookworm).
zesrec_debian_codename() {
  # shellcheck disable=SC1091
  (. /etc/os-release && printf '%s\n' "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}")
}

# Prints "URI<TAB>SIGNED_BY" of the first enabled binary ("deb") source that
# serves SUITE with COMPONENT, read from this machine's own apt configuration
# (/etc/apt/sources.list, sources.list.d/*.list one-line format and
# sources.list.d/*.sources deb822 format). SIGNED_BY may be empty. Returns 1
# when none matches. The mirror is read at run time so that no host name needs
# to live in the repository.
zesrec_apt_source_for() {
  local suite=$1 component=$2 files=() f
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] && files+=("$f")
  done
  [[ ${#files[@]} -eq 0 ]] && return 1
  awk -v want_suite="$suite" -v want_comp="$component" '
    function has(list, word,   n, i, parts) {
      n = split(list, parts, /[ \t]+/)
      for (i = 1; i <= n; i++) if (parts[i] == word) return 1
      return 0
    }
    function flush() {
      if (types != "" && enabled != "no" && has(types, "deb") && has(suites, want_suite) && has(comps, want_comp) && uris != "") {
        split(uris, u, /[ \t]+/)
        print u[1] "\t" signed
        found = 1
      }
      types = suites = comps = uris = signed = ""; enabled = ""
    }
    found { exit }
    FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
    deb822 {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      # Comments and continuation lines (e.g. an inline key) carry nothing we need.
      if ($0 ~ /^#/ || $0 ~ /^[ \t]/) next
      key = tolower($0); sub(/:.*/, "", key)
      val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
      if (key == "types") types = val
      else if (key == "uris") uris = val
      else if (key == "suites") suites = val
      else if (key == "components") comps = val
      else if (key == "enabled") enabled = tolower(val)
      else if (key == "signed-by") signed = val
      next
    }
    !deb822 {
      line = $0; sub(/#.*/, "", line)
      if (line !~ /^[ \t]*deb[ \t]/) next
      sub(/^[ \t]*deb[ \t]+/, "", line)
      opts = ""
      if (line ~ /^\[/) { opts = line; sub(/\].*/, "", opts); sub(/^[^\]]*\][ \t]*/, "", line) }
      n = split(line, w, /[ \t]+/)
      comps_l = ""
      for (i = 3; i <= n; i++) comps_l = comps_l " " w[i]
      if (w[2] == want_suite && has(comps_l, want_comp)) {
        sb = ""
        if (match(opts, /signed-by=[^ \t\]]+/)) sb = substr(opts, RSTART + 10, RLENGTH - 10)
        print w[1] "\t" sb
        found = 1
      }
    }
    END { if (!found) flush(); exit(found ? 0 : 1) }
  ' "${files[@]}"
}

# Waits up to SECONDS for COMMAND... to succeed; returns 1 on timeout.
zesrec_wait_for() {
  local seconds=$1 i
  shift
  for ((i = 0; i < seconds * 4; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  return 1
}
