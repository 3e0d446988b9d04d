#!/usr/bin/env bash
# Installs what the kernel oracle (swapcheck kernel, kernel/*.test.ts) needs on Debian:
# User-Mode Linux (Linux 6.1 as a process, with zram as a module), busybox-static for its root
# file system, and gcc with static libc to build the programs it runs. Prints the versions.
set -euo pipefail
packages=(user-mode-linux busybox-static gcc libc6-dev)
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo=(sudo); else echo "kernel:setup: run as root (apt-get install ${packages[*]})" >&2; exit 2; fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null
dpkg-query -W -f '${Package} ${Version}\n' "${packages[@]}"
