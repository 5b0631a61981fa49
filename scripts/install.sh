#!/usr/bin/env bash
# Installs what k8ts needs on Debian 12 (as root), builds it, and starts a single-node
# cluster: `k8ts server` in the background, its kubeconfig at /var/lib/k8ts/kubeconfig.yaml.
#
#   scripts/install.sh              install, build, start the server
#   scripts/install.sh --no-start   install and build only (what CI does)
set -euo pipefail
cd "$(dirname "$0")/.."

start=yes
[ "${1:-}" = "--no-start" ] && start=no

packages=(
  crun runc conmon                 # OCI runtimes and the container monitor
  containernetworking-plugins      # bridge, host-local, loopback, portmap
  nftables iproute2 iptables       # the service proxy's rules; network namespaces; iptables for CNI portmap
  etcd-server etcd-client          # the datastore several servers share (and the storage benchmark's peer)
  docker-registry skopeo           # a registry on loopback for tests, and pushing test images into it
  busybox-static                   # the test image is built from it
  python3-kubernetes               # end-to-end tests with Python's Kubernetes client
  python3 make g++                 # building better-sqlite3's native module
)
missing=()
for p in "${packages[@]}"; do
  case "$p" in \#*) continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "k8ts: installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

echo "k8ts: installing npm dependencies"
npm ci --no-audit --no-fund
echo "k8ts: building"
npm run build

if [ "$start" = yes ]; then
  mkdir -p /var/lib/k8ts
  if [ -f /var/lib/k8ts/server.pid ] && kill -0 "$(cat /var/lib/k8ts/server.pid)" 2>/dev/null; then
    echo "k8ts: server already running (pid $(cat /var/lib/k8ts/server.pid))"
  else
    nohup node bin/k8ts server >> /var/log/k8ts.log 2>&1 &
    echo $! > /var/lib/k8ts/server.pid
    for _ in $(seq 1 100); do
      grep -q "ready in" /var/log/k8ts.log 2>/dev/null && break
      sleep 0.2
    done
    grep -E "ready in|error" /var/log/k8ts.log | tail -n 3
  fi
  echo "k8ts: try   kubectl --kubeconfig /var/lib/k8ts/kubeconfig.yaml get namespaces"
fi
