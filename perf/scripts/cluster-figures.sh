#!/usr/bin/env bash
# cluster-figures.sh — what the cluster's shared state costs: logins/s through the etcd cluster store with 1 and
# with 3 members, and the failover of one member's sessions to the others (ClusterStoreFigures), against a real
# 3-member etcd (Debian etcd-server 3.4, --pre-vote) on loopback in a throw-away namespace.
# Usage (root): perf/scripts/cluster-figures.sh [LOGINS] [CONCURRENCY]
# Needs: etcd-server, the perf jar (mvn -B -q -pl perf -am package -DskipTests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
LOGINS=${1:-2000}
CONCURRENCY=${2:-16}
SCRATCH_NAME=etcd
. perf/scripts/scratch-ns.sh
INITIAL=m1=http://127.0.0.1:12380,m2=http://127.0.0.1:22380,m3=http://127.0.0.1:32380
for i in 1 2 3; do
    ip netns exec "$NS" etcd --logger=zap --log-level=warn --name m$i --data-dir "$T/m$i" \
        --listen-client-urls http://127.0.0.1:${i}2379 --advertise-client-urls http://127.0.0.1:${i}2379 \
        --listen-peer-urls http://127.0.0.1:${i}2380 --initial-advertise-peer-urls http://127.0.0.1:${i}2380 \
        --initial-cluster "$INITIAL" --initial-cluster-token perf --initial-cluster-state new --pre-vote=true \
        >"$T/etcd$i.log" 2>&1 &
done
ENDPOINTS=http://127.0.0.1:12379,http://127.0.0.1:22379,http://127.0.0.1:32379
for _ in $(seq 100); do
    ip netns exec "$NS" etcdctl --endpoints "$ENDPOINTS" endpoint health >/dev/null 2>&1 && break
    sleep 0.3
done
for members in 1 3; do
    ip netns exec "$NS" "$JAVA" -cp perf/target/headend-perf.jar org.headend.perf.cluster.ClusterStoreFigures \
        "$ENDPOINTS" "$members" "$LOGINS" "$CONCURRENCY" 2>/dev/null
done
