// The node agent's volume mounter: the tmpfs of memory-backed volumes (every pod has
// one, for its service account token) through the runtime's long-lived mount helper
// instead of a mount(8) process per pod, falling back to the commands where the
// helper cannot run.

import { commandMounter, isMountPoint, type VolumeMounter } from '../kubelet/volumes/mounts.js';
import { MountHelperUnavailableError, type MountHelper } from '../runtime/oci/image/mount-helper.js';

export function helperVolumeMounter(helper: MountHelper): VolumeMounter {
  return {
    async mountTmpfs(dir, options) {
      try {
        await helper.mount('tmpfs', dir, 'tmpfs', options);
      } catch (e) {
        if (!(e instanceof MountHelperUnavailableError)) throw e;
        await commandMounter.mountTmpfs(dir, options);
      }
    },
    async unmount(dir) {
      try {
        await helper.umount(dir);
      } catch (e) {
        if (e instanceof MountHelperUnavailableError) return commandMounter.unmount(dir);
        // Already gone (a concurrent teardown) is success; anything else is not.
        if (await isMountPoint(dir)) throw e;
      }
    },
  };
}
