#!/usr/bin/env bash
# A one-node SLURM cluster on this machine for the tests (Debian's slurm-wlm and munge; root):
# munged, slurmctld and slurmd with a config written here, in $MORPHAEUS_SLURM_DIR (default
# /tmp/morphaeus-slurm). The node is this host with its CPUs; a CPU-only node needs no cgroup
# plugin (ProctrackType=proctrack/linuxproc, TaskPlugin=task/none); no accounting database.
#
#   tests/slurm_one_node.sh start   starts what is not running (idempotent); prints the config's
#                                   path (export it as SLURM_CONF) once the node is idle
#   tests/slurm_one_node.sh stop    stops the daemons it started
#
# Exit code 77 (a test's "skipped") without root or without the packages (scripts/setup.sh).
set -euo pipefail
dir=${MORPHAEUS_SLURM_DIR:-/tmp/morphaeus-slurm}
conf=$dir/slurm.conf
what=${1:-start}

stop() {  # each daemon in turn, waiting (up to 10 s) until it is gone
  local pid
  for d in slurmd slurmctld munged; do
    [[ -f $dir/$d.pid ]] || continue
    pid=$(cat "$dir/$d.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/$d.pid"
  done
}
if [[ $what == stop ]]; then stop; exit 0; fi
[[ $what == start ]] || { echo "slurm_one_node.sh: start or stop, not '$what'" >&2; exit 2; }

if [[ $(id -u) != 0 ]]; then echo "slurm_one_node.sh: needs root" >&2; exit 77; fi
for p in munged slurmctld slurmd sinfo; do
  command -v "$p" >/dev/null || [[ -x /usr/sbin/$p ]] ||
    { echo "slurm_one_node.sh: $p not found (scripts/setup.sh installs slurm-wlm and munge)" >&2
      exit 77; }
done
export PATH=$PATH:/usr/sbin

running() { [[ -f $dir/$1.pid ]] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

mkdir -p "$dir"/state "$dir"/spool "$dir"/munge
exec 9>"$dir/start.lock"  # test processes start it side by side: one at a time
flock 9
host=$(hostname -s)
cpus=$(nproc)
memory=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
cat > "$conf.tmp" <<EOF
# Written by tests/slurm_one_node.sh: a one-node cluster for the tests.
ClusterName=morphaeus-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=300
KillWait=10
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldPort=${MORPHAEUS_SLURMCTLD_PORT:-6817}
SlurmdPort=${MORPHAEUS_SLURMD_PORT:-6818}
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
mv "$conf.tmp" "$conf"
export SLURM_CONF=$conf

if ! running munged; then
  key=$dir/munge/munge.key
  if [[ ! -s $key ]]; then
    dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
    chmod 400 "$key"
  fi
  munged --force --key-file="$key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/seed" 9>&-
fi
# (9>&-: the daemons must not hold the start lock.)
running slurmctld || slurmctld -f "$conf" 9>&-
running slurmd || slurmd -f "$conf" 9>&-

# Ready when the node is idle (or mixed/allocated by an earlier test's jobs).
for _ in $(seq 1 60); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  case "$state" in
    idle*|mix*|alloc*) echo "$conf"; exit 0 ;;
    down*|drain*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
echo "slurm_one_node.sh: the node did not come up within 60 s (state '${state:-none}'); see" \
     "$dir/slurmctld.log and $dir/slurmd.log" >&2
exit 1
