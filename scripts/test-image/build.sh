#!/bin/sh
# Build the k8ts test images from Debian's busybox-static, reproducibly (fixed mtimes,
# so digests are stable across runs and machines with the same busybox):
#   scripts/test-image/build.sh [OUTDIR]     (default: dist/test-image)
# Writes busybox-oci.tar (OCI archive of k8ts.test/busybox:latest), busybox-docker.tar
# (docker save), busybox-layout/ (OCI layout), whiteout-oci.tar and multiarch-layout/.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-"$here/dist/test-image"}
cli="$here/dist/src/runtime/oci/image/testing/build-cli.js"
if [ ! -f "$cli" ]; then
  (cd "$here" && npx tsc -p .) || true
fi
exec node "$cli" "$out" ${BUSYBOX:+--busybox "$BUSYBOX"}
