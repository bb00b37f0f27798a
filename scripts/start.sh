#!/usr/bin/env bash
# The README's main-job command (`npm start`): sets up what is missing, then
# runs the whole pipeline on the local stack with the dashboard.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

check_prerequisites
install_node_dependencies
say "preparing Kafka and PostgreSQL (cached after the first run)"
turnover setup kafka postgres
exec node "$ROOT/bin/turnover.js" up "$@"
