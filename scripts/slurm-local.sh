#!/usr/bin/env bash
# A single-node Slurm on localhost, for `trainsim sweep --backend slurm` and its test
# (../shared/simgrid-notes.md §4 has the steps measured in this sandbox).
#   scripts/slurm-local.sh start    install (Debian: slurmctld slurmd slurm-client munge) if
#                                   missing, write /etc/slurm/slurm.conf, start munged, slurmctld
#                                   and slurmd; idempotent; exit 0 when `sinfo` shows the node idle
#   scripts/slurm-local.sh stop     stop the daemons started by `start`
#   scripts/slurm-local.sh status
# Needs root (apt-get, daemons). Exit 1 with the reason when Slurm cannot be started.
set -euo pipefail

die() { echo "slurm-local: $*" >&2; exit 1; }

conf_path=/etc/slurm/slurm.conf
cpus=$(nproc)
mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 3 / 4 ))

install() {
  local missing=()
  for p in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "needs root to install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

write_conf() {
  mkdir -p /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
  chown -R slurm:slurm /var/lib/slurm/slurmctld /var/log/slurm 2>/dev/null || true
  cat > "$conf_path.tmp" <<CONF
# Written by trainsim scripts/slurm-local.sh: one node (this machine) as "localhost".
ClusterName=trainsim-local
SlurmctldHost=localhost
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  mv "$conf_path.tmp" "$conf_path"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  [ "$(id -u)" -eq 0 ] || die "needs root (daemons run as root/slurm/munge)"
  install
  if ! alive /run/munge/munged.pid; then
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    chmod 755 /run/munge
    [ -f /etc/munge/munge.key ] || { command -v mungekey >/dev/null && mungekey -c; chown munge:munge /etc/munge/munge.key; }
    runuser -u munge -- /usr/sbin/munged || die "munged did not start"
  fi
  munge -n | unmunge >/dev/null || die "munge round trip failed"
  if ! alive /run/slurmctld.pid || ! alive /run/slurmd.pid; then
    write_conf
    alive /run/slurmctld.pid || /usr/sbin/slurmctld || die "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
    alive /run/slurmd.pid || /usr/sbin/slurmd -N localhost || die "slurmd did not start (see /var/log/slurm/slurmd.log)"
  fi
  for _ in $(seq 1 60); do
    if sinfo -h -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then
      echo "slurm-local: up ($(sinfo -h -o '%P %D %T' | head -1))"
      return 0
    fi
    # A node left down/drained by an earlier run is put back.
    scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true
    sleep 0.5
  done
  die "the node did not become idle: $(sinfo 2>&1 | tail -n +2)"
}

stop() {
  for f in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
    if alive "$f"; then kill "$(cat "$f")" 2>/dev/null || true; fi
  done
  echo "slurm-local: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
