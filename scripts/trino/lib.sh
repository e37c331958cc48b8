# shellcheck shell=bash
# Shared helpers for scripts/trino/*.sh and scripts/clients/*.sh.
# Sourced, never executed. Everything here is side-effect free until called.

QG_CACHE="${QUERYGATE_CACHE:-${HOME:-/root}/.cache/querygate}"
QG_DOWNLOADS="$QG_CACHE/downloads"
QG_MAVEN_REPO="${QUERYGATE_MAVEN_REPO:-https://repo.maven.apache.org/maven2}"

qg_log() { printf '[%s] %s\n' "${QG_SCRIPT:-querygate}" "$*" >&2; }
qg_die() {
  printf '[%s] ERROR: %s\n' "${QG_SCRIPT:-querygate}" "$*" >&2
  exit 1
}

qg_need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || qg_die "required command '$c' not found in PATH"
  done
}

# Major version of a java binary (e.g. 17, 25), or empty on failure.
qg_java_major() {
  local out
  out="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)" || true
  out="${out#1.}"
  printf '%s' "${out%%.*}"
}

# Print the path of a `java` binary whose major version is >= $1.
# Looks at, in order: $JAVA25 (a java binary or a JDK home), $TRINO_JAVA_HOME,
# the Temurin 25 JDK, any JDK under /usr/lib/jvm, $JAVA_HOME, and `java` in PATH.
qg_find_java() {
  local min="$1" cand bin major
  local -a cands=()
  [ -n "${JAVA25:-}" ] && cands+=("$JAVA25")
  [ -n "${TRINO_JAVA_HOME:-}" ] && cands+=("$TRINO_JAVA_HOME")
  cands+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64)
  for cand in /usr/lib/jvm/*; do [ -d "$cand" ] && cands+=("$cand"); done
  [ -n "${JAVA_HOME:-}" ] && cands+=("$JAVA_HOME")
  command -v java >/dev/null 2>&1 && cands+=("$(command -v java)")
  for cand in "${cands[@]}"; do
    if [ -f "$cand" ] && [ -x "$cand" ]; then bin="$cand"
    elif [ -x "$cand/bin/java" ]; then bin="$cand/bin/java"
    else continue
    fi
    major="$(qg_java_major "$bin")"
    if [ -n "$major" ] && [ "$major" -ge "$min" ] 2>/dev/null; then
      printf '%s\n' "$bin"
      return 0
    fi
  done
  return 1
}

qg_require_java() {
  local min="$1" j
  j="$(qg_find_java "$min")" || qg_die "no Java >= $min found (looked at \$JAVA25, \$TRINO_JAVA_HOME, /usr/lib/jvm/*, \$JAVA_HOME, PATH). Install a JDK $min+ (e.g. Temurin 25) or set JAVA25=/path/to/jdk."
  printf '%s\n' "$j"
}

# qg_maven_fetch GROUP ARTIFACT VERSION EXT [CLASSIFIER]
# Downloads one artifact from Maven Central into $QG_DOWNLOADS (once), checks its
# SHA-1 against the repository's .sha1 file, and prints the local path.
# An artifact already present in the local Maven repository (~/.m2) is reused.
qg_maven_fetch() {
  local group="$1" artifact="$2" version="$3" ext="$4" classifier="${5:-}"
  local file="$artifact-$version${classifier:+-$classifier}.$ext"
  local rel="${group//.//}/$artifact/$version/$file"
  local dest="$QG_DOWNLOADS/$file" m2="${HOME:-/root}/.m2/repository/$rel"
  if [ -s "$dest" ]; then printf '%s\n' "$dest"; return 0; fi
  mkdir -p "$QG_DOWNLOADS"
  if [ -s "$m2" ]; then
    cp "$m2" "$dest.part" && mv -f "$dest.part" "$dest"
    printf '%s\n' "$dest"; return 0
  fi
  qg_need curl sha1sum
  qg_log "downloading $QG_MAVEN_REPO/$rel"
  local code
  code="$(curl -sSL --retry 3 --retry-delay 2 --connect-timeout 20 -o "$dest.part" -w '%{http_code}' "$QG_MAVEN_REPO/$rel")" || {
    rm -f "$dest.part"
    qg_die "download failed: $QG_MAVEN_REPO/$rel (network problem? curl exit $?)"
  }
  if [ "$code" != 200 ]; then
    rm -f "$dest.part"
    qg_die "download failed: $QG_MAVEN_REPO/$rel returned HTTP $code (artifact not published?)"
  fi
  local want got
  want="$(curl -sfSL --retry 3 --connect-timeout 20 "$QG_MAVEN_REPO/$rel.sha1" | head -c 40)" || want=""
  got="$(sha1sum "$dest.part" | cut -c1-40)"
  if [ -n "$want" ] && [ "$want" != "$got" ]; then
    rm -f "$dest.part"
    qg_die "checksum mismatch for $file: expected $want, got $got"
  fi
  mv -f "$dest.part" "$dest"
  printf '%s\n' "$dest"
}

# Run "$@" while holding an exclusive lock on $QG_CACHE/.lock-$1-name (first arg is the lock name).
qg_with_lock() {
  local name="$1"; shift
  mkdir -p "$QG_CACHE"
  if command -v flock >/dev/null 2>&1; then
    (
      flock -w 1800 9 || qg_die "timed out waiting for lock $QG_CACHE/.lock-$name"
      "$@"
    ) 9>"$QG_CACHE/.lock-$name"
  else
    "$@"
  fi
}

# Versions of the real clients (scripts/clients/install.sh, scripts/clients/env.sh).
QG_TRINO_CLI_VERSION="${TRINO_CLI_VERSION:-476}"   # newest trino-cli executable jar on Maven Central
QG_TRINO_JDBC_VERSION="${TRINO_JDBC_VERSION:-483}"
QG_PY_TRINO_VERSION="${PY_TRINO_VERSION:-0.340.0}" # PyPI package "trino"
QG_PY_SQLALCHEMY_VERSION="${PY_SQLALCHEMY_VERSION:-2.0.36}" # the inspector tests use the trino package's SQLAlchemy dialect
QG_CLIENTS_DIR="$QG_CACHE/clients"
QG_PY_VENV="$QG_CLIENTS_DIR/venv-trino-$QG_PY_TRINO_VERSION"

# Java (17+) for the clients: prefer `java` in PATH (the machine default), else any JDK.
qg_find_client_java() {
  local j major
  if j="$(command -v java 2>/dev/null)"; then
    major="$(qg_java_major "$j")"
    if [ -n "$major" ] && [ "$major" -ge 17 ] 2>/dev/null; then
      printf '%s\n' "$(readlink -f "$j")"
      return 0
    fi
  fi
  qg_find_java 17
}

# qg_build_test_plugin SOURCE.java CLASS NAME: compiles a test-only Trino plugin (one Java file
# naming its io.trino.spi.Plugin class CLASS) against the installed Trino's SPI and prints the
# plugin directory to link into a server's plugin/ (cached under $QG_CACHE/NAME: rebuilt only when
# the source or the SPI changes).
qg_build_test_plugin() {
  local source="$1" class="$2" name="$3" here trino_home spi slice java_bin jdk_bin sum out build
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  trino_home="$(TRINO_VERSION="${TRINO_VERSION:-483}" "$here/install.sh")"
  spi="$(ls "$trino_home"/lib/io.trino.trino-spi-*.jar 2>/dev/null | head -n1)"
  [ -f "$spi" ] || qg_die "Trino SPI jar not found in $trino_home/lib"
  # The SPI's own types (Slice in the spooling SPI) come from airlift slice.
  slice="$(ls "$trino_home"/lib/io.airlift.slice-*.jar 2>/dev/null | head -n1)"
  java_bin="$(qg_require_java "$(cat "$trino_home/querygate-java-min")")"
  jdk_bin="$(dirname "$java_bin")"
  [ -x "$jdk_bin/javac" ] && [ -x "$jdk_bin/jar" ] || qg_die "no javac/jar next to $java_bin (a JDK, not a JRE, is needed)"
  sum="$(cat "$source" "$spi" | sha256sum | cut -c1-16)"
  out="$QG_CACHE/$name/$sum"
  if [ ! -f "$out/plugin/$name.jar" ]; then
    build="$(mktemp -d)"
    mkdir -p "$build/classes/META-INF/services"
    if ! "$jdk_bin/javac" -nowarn -d "$build/classes" -cp "$spi${slice:+:$slice}" "$source" >&2; then
      rm -rf "$build"
      qg_die "could not compile $source"
    fi
    echo "$class" >"$build/classes/META-INF/services/io.trino.spi.Plugin"
    mkdir -p "$out/plugin"
    "$jdk_bin/jar" --create --file "$build/plugin.jar" -C "$build/classes" . >&2
    mv "$build/plugin.jar" "$out/plugin/$name.jar"
    rm -rf "$build"
    qg_log "built $out/plugin"
  fi
  printf '%s\n' "$out/plugin"
}
