#!/usr/bin/env bash
# git pre-commit hook: check the staged rule files before they are committed.
# Install: cp deploy/ci/pre-commit-hook.sh .git/hooks/pre-commit
# Needs a running covd holding ATT&CK (deploy/covd-local.sh start) or set
# COV_ATTACK to a bundle for the one-command mode. COV (default: cov on PATH).
set -euo pipefail
COV=${COV:-cov}
mapfile -t files < <(git diff --cached --name-only --diff-filter=ACM |
  grep -Ei '\.(ya?ml|rules|yara?)$' || true)
((${#files[@]})) || exit 0
args=()
[[ -n ${COV_ATTACK:-} ]] && args+=(--attack "$COV_ATTACK")
# Lint the staged files; the coverage delta is left to CI (whole repository).
exec "$COV" check "${args[@]}" "${files[@]}"
