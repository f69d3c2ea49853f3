#!/usr/bin/env bash
# Installs Debian packages with apt-get, one installer at a time: the tests that need chromium,
# rsvg-convert or Slurm run in parallel and would otherwise fight over apt's locks
# ("Could not get lock /var/lib/apt/lists/lock"). Waits on /tmp/softness-apt.lock for another
# softness installer, and up to 10 minutes for apt's own locks held by anything else.
#   bash tools/apt-install.sh LOG PACKAGE...   (all output to LOG; exit status of apt-get)
set -euo pipefail
log=${1:?usage: apt-install.sh LOG PACKAGE...}
shift
[ $# -gt 0 ] || { echo "apt-install.sh: no package named" >&2; exit 2; }
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
: >>"$log"
exec 9>/tmp/softness-apt.lock
flock 9
wait_locks=(-o DPkg::Lock::Timeout=600)
# `apt-get update` gives up at once when the lists lock is held: try again for a while.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if $sudo apt-get "${wait_locks[@]}" update -qq >>"$log" 2>&1; then break; fi
  [ "$attempt" = 10 ] && { echo "apt-get update failed 10 times (see $log)" >&2; exit 1; }
  sleep 10
done
$sudo apt-get "${wait_locks[@]}" install -y -qq "$@" >>"$log" 2>&1
