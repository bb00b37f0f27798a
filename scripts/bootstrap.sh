# Shared set-up for the README's two commands (sourced, not run).
# Installs npm dependencies when the lockfile changed and compiles the
# TypeScript; everything downloaded is cached outside the repository
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
  # `npm ci` only when node_modules does not match the lockfile: a re-run is instant.
  if [[ ! -f node_modules/.package-lock.json ]] || ! cmp -s <(node -p 'JSON.stringify(require("./package-lock.json").packages)') <(node -p 'JSON.stringify(require("./node_modules/.package-lock.json").packages)') 2>/dev/null; then
    say "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  say "compiling TypeScript and the SQL models (npm run build)"
  rm -rf dist   # no stale compiled tests from deleted sources
  npm run build --silent
}

turnover() { node "$ROOT/bin/turnover.js" "$@"; }
