#!/usr/bin/env bash
# Builds the cov container image from the repository root.
#
#   deploy/container/build.sh [-t IMAGE:TAG] [--git REV] [extra docker build args]
#
# Default tag: cov:<short commit> and cov:latest. --git REV builds from `git archive REV`
# (exactly the committed tree, nothing local) instead of the working tree. Needs a reachable
# Docker engine with BuildKit (Docker >= 23, or DOCKER_BUILDKIT=1), which reads
# deploy/container/Dockerfile.dockerignore; the build stage downloads Debian packages.
set -euo pipefail
cd "$(dirname "$0")/../.."

tags=()
rev=""
args=()
while (($#)); do
  case $1 in
    -t | --tag) tags+=(-t "$2"); shift 2 ;;
    --git) rev=$2; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done

if ! command -v docker >/dev/null 2>&1; then
  echo "build.sh: no docker client on PATH; install Docker (or run this where one is)." >&2
  exit 1
fi
if ! err=$(docker info 2>&1 >/dev/null); then
  echo "build.sh: no Docker engine reachable (docker info failed):" >&2
  printf '  %s\n' "$(printf '%s' "$err" | tail -3)" >&2
  echo "build.sh: start dockerd, set DOCKER_HOST, or build on a machine with an engine:" >&2
  echo "  docker build -f deploy/container/Dockerfile ." >&2
  exit 1
fi

if ((${#tags[@]} == 0)); then
  commit=$(git rev-parse --short "${rev:-HEAD}" 2>/dev/null || echo dev)
  tags=(-t "cov:$commit" -t cov:latest)
fi
export DOCKER_BUILDKIT=1
if [[ -n $rev ]]; then
  # A tar on stdin is the whole context; -f names the Dockerfile inside it.
  git archive --format=tar "$rev" |
    docker build -f deploy/container/Dockerfile "${tags[@]}" "${args[@]}" -
else
  docker build -f deploy/container/Dockerfile "${tags[@]}" "${args[@]}" .
fi
echo "build.sh: built ${tags[*]}"
