#!/bin/sh
# Push a built test image to a registry with skopeo, over plain HTTP:
#   scripts/test-image/push.sh HOST:PORT [REPO:TAG] [--v2s2] [--multiarch] [OUTDIR]
# e.g. scripts/test-image/push.sh 127.0.0.1:5000 busybox:latest
#      scripts/test-image/push.sh 127.0.0.1:5000 busybox:v2s2 --v2s2
#      scripts/test-image/push.sh 127.0.0.1:5000 multiarch:latest --multiarch
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
registry=${1:?usage: push.sh HOST:PORT [REPO:TAG] [--v2s2] [--multiarch] [OUTDIR]}
shift
dest=busybox:latest
format=""
src=""
out="$here/dist/test-image"
for a in "$@"; do
  case "$a" in
    --v2s2) format="--format v2s2" ;;
    --multiarch) src=multiarch ;;
    -*) echo "push.sh: unknown flag $a" >&2; exit 2 ;;
    */*) out="$a" ;;
    *) dest="$a" ;;
  esac
done
[ -f "$out/busybox-oci.tar" ] || "$here/scripts/test-image/build.sh" "$out" >/dev/null
if [ "$src" = multiarch ]; then
  exec skopeo copy --quiet --all --dest-tls-verify=false "oci:$out/multiarch-layout:k8ts.test/multiarch:latest" "docker://$registry/$dest"
fi
# shellcheck disable=SC2086
exec skopeo copy --quiet --dest-tls-verify=false $format "oci-archive:$out/busybox-oci.tar" "docker://$registry/$dest"
