#!/bin/sh
# Install everything Pieces needs to build and test, from Debian's archive only.
# Safe to run again: apt-get skips what is already there.
set -eu

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (it calls apt-get)" >&2
  exit 1
fi

packages="
  build-essential pkg-config clang
  libcurl4-openssl-dev libarchive-dev libjansson-dev libcap-dev libssl-dev libseccomp-dev
  bats busybox-static python3 ca-certificates curl
  xz-utils bzip2 zstd gzip libarchive-tools
  iproute2 procps util-linux
  runc crun umoci
  podman conmon catatonit buildah skopeo containerd
"

export DEBIAN_FRONTEND=noninteractive
# One update per run; the package lists on a fresh machine may be empty or stale.
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $packages
