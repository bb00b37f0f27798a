# Shared set-up for the README's two commands (sourced, not run).
# Installs npm dependencies when the lockfile changed and compiles the
# TypeScript when a source changed; everything downloaded is cached outside the repository
# (~/.npm, ~/.m2, ~/.cache/turnover).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'turnover: %s\n' "$*" >&2; exit 1; }

check_prerequisites() {
  command -v node >/dev/null || die "Node.js 20.10+ not found: install it from https://nodejs.org or your package manager"
  local major minor
  IFS=. read -r major minor _ <<<"$(node -p 'process.versions.node')"
  if (( major < 20 || (major == 20 && minor < 10) )); then die "Node.js 20.10+ needed, found $(node -v)"; fi
  command -v npm >/dev/null || die "npm not found (it ships with Node.js)"
}

install_node_dependencies() {
  # `npm ci` only when the lockfile changed since the last install (its hash is kept in
  # node_modules): npm's own node_modules/.package-lock.json never equals package-lock.json (no
  # root entry, no optional packages of other platforms), so comparing those re-installed every time.
  local lock
  lock="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ "$(cat node_modules/.turnover-lockfile 2>/dev/null)" != "$lock" ]]; then
    say "installing npm dependencies (npm ci; it also compiles, through the prepare script)"
    rm -rf dist   # no stale compiled tests from deleted sources
    npm ci --no-audit --no-fund --loglevel=error
    printf '%s\n' "$lock" > node_modules/.turnover-lockfile
    build_fingerprint > dist/.turnover-build
  fi
  if [[ "$(cat dist/.turnover-build 2>/dev/null)" == "$(build_fingerprint)" ]]; then
    say "compiled code is up to date (dist/)"
    return
  fi
  say "compiling TypeScript and the SQL models (npm run build)"
  rm -rf dist   # no stale compiled tests from deleted sources
  npm run build --silent
  build_fingerprint > dist/.turnover-build
}

# What `npm run build` compiles from: every source file's path, size and modification time (a
# deleted file changes it too), and the settings and dependencies it compiles with.
build_fingerprint() {
  find src test bench sql tsconfig.json package.json package-lock.json -type f -printf '%p %s %T@\n' | LC_ALL=C sort | sha256sum | cut -d' ' -f1
}

turnover() { node "$ROOT/bin/turnover.js" "$@"; }
