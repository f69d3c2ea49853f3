#!/usr/bin/env bash
# A one-node Slurm cluster on this machine for the Slurm test of `softness batch` (BatchSlurmTests):
#
#   tools/slurm_one_node.sh start DIR   # installs slurm-wlm + munge (Debian) if missing, starts munged,
#                                       # slurmctld and slurmd with their state, logs and sockets in DIR;
#                                       # prints SLURM_CONF=DIR/slurm.conf when the node is idle
#   tools/slurm_one_node.sh stop DIR    # stops the daemons started for DIR (by their pid files)
#
# What works inside a container: root, proctrack/linuxproc, task/none, no cgroups, no accounting,
# munge with its own key and socket in DIR, two free ports (not the default 6817/6818) so that a
# real Slurm on the machine, or another test's cluster, is left alone. Needs root (apt-get, SlurmUser=root).
set -euo pipefail
command=${1:?usage: slurm_one_node.sh start|stop DIR}
dir=${2:?usage: slurm_one_node.sh start|stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

stop() {
  for name in slurmd slurmctld munged; do
    if [ -f "$dir/$name.pid" ]; then
      pid=$(cat "$dir/$name.pid")
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    fi
  done
  for _ in $(seq 1 50); do
    alive=0
    for name in slurmd slurmctld munged; do
      [ -f "$dir/$name.pid" ] && kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  # Whatever ignored SIGTERM for 5 s is killed.
  for name in slurmd slurmctld munged; do
    if [ -f "$dir/$name.pid" ]; then
      pid=$(cat "$dir/$name.pid")
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
  done
}

if [ "$command" = stop ]; then stop; exit 0; fi

# Close every descriptor inherited above 2 (a caller's pipes, e.g. Foundation's Process): the
# daemons would keep them open, and a caller reading its pipe to the end would wait forever.
for fd in $(ls /proc/$$/fd); do
  if [ "$fd" -gt 2 ] && [ "$fd" != 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
done
[ "$command" = start ] || { echo "usage: slurm_one_node.sh start|stop DIR" >&2; exit 2; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  bash "$(dirname "$0")/apt-install.sh" "$dir/apt.log" --no-install-recommends slurm-wlm munge ||
    { echo "apt-get install slurm-wlm munge failed:" >&2; tail -5 "$dir/apt.log" >&2; exit 1; }
fi

# Two free TCP ports (not listening in /proc/net/tcp{,6}), so that two clusters on one machine
# (two test runs at once) and a real Slurm on 6817/6818 never meet.
port_in_use() { local hex; hex=$(printf ':%04X ' "$1"); grep -qi "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! port_in_use "$port" && [ "$port" != "${1:-0}" ]; then echo "$port"; return 0; fi
  done
  echo "no free TCP port found for Slurm" >&2; return 1
}
ctld_port=$(free_port)
slurmd_port=$(free_port "$ctld_port")
host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
chmod 700 "$dir/munge"
if [ ! -f "$dir/munge/munge.key" ]; then
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
fi
if ! { [ -f "$dir/munged.pid" ] && kill -0 "$(cat "$dir/munged.pid")" 2>/dev/null; }; then
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" --pid-file="$dir/munged.pid" \
         --log-file="$dir/munged.log" --seed-file="$dir/munge/munge.seed" </dev/null >>"$dir/munged.out" 2>&1 \
    || { echo "munged failed to start:" >&2; tail -5 "$dir/munged.log" >&2 2>/dev/null; exit 1; }
fi

cat >"$dir/slurm.conf" <<CONF
ClusterName=softness-test
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
export SLURM_CONF="$dir/slurm.conf"

# The daemons' standard streams go to files: a caller reading this script's output to its end
# must not wait for daemons that inherited the pipe.
slurmctld -f "$SLURM_CONF" -i </dev/null >>"$dir/slurmctld.out" 2>&1 || { echo "slurmctld failed to start (slurmctld -f $SLURM_CONF -i):" >&2; tail -20 "$dir/slurmctld.log" >&2 2>/dev/null; stop; exit 1; }
slurmd -f "$SLURM_CONF" -N "$host" </dev/null >>"$dir/slurmd.out" 2>&1 || { echo "slurmd failed to start (slurmd -f $SLURM_CONF -N $host):" >&2; tail -20 "$dir/slurmd.log" >&2 2>/dev/null; stop; exit 1; }

# Wait (bounded) for the node to be idle.
for _ in $(seq 1 100); do
  state=$(sinfo -h -N -o "%T" 2>/dev/null | head -1 || true)
  case "$state" in
    idle*|mixed*) echo "SLURM_CONF=$SLURM_CONF"; exit 0 ;;
  esac
  sleep 0.3
done
echo "the node did not become idle (sinfo state: '${state:-none}'); slurmctld.log and slurmd.log:" >&2
tail -20 "$dir/slurmctld.log" >&2 2>/dev/null || true
tail -20 "$dir/slurmd.log" >&2 2>/dev/null || true
stop
exit 1
