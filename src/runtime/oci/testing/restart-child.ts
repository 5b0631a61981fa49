// Child process for the restart test: opens a runtime over an existing root, starts one
// container, prints its ids and then waits to be killed with SIGKILL.
//   node restart-child.js <root> <rootfs-dir> <cgroup-parent> <crun|runc>

import { OciRuntimeService } from '../runtime.js';
import { DirRootfsProvider } from '../rootfs.js';

const [root, rootfsDir, cgroupParent, name] = process.argv.slice(2) as [string, string, string, 'crun' | 'runc'];
const images = new DirRootfsProvider();
images.add('busybox', rootfsDir, { Cmd: ['sh'] });
const rt = await OciRuntimeService.create({ root, rootfs: images, runtime: name, cgroupParent, log: () => {} });
const sbc = { metadata: { name: 'survivor', uid: 'survivor', namespace: 'test', attempt: 0 } };
const sandboxId = await rt.runPodSandbox(sbc);
const id = await rt.createContainer(sandboxId, {
  metadata: { name: 'main', attempt: 0 }, image: { image: 'busybox' },
  command: ['sh', '-c', `echo started; trap 'echo got-term; exit 7' TERM; sleep 100000 & wait`],
}, sbc);
await rt.startContainer(id);
process.stdout.write(JSON.stringify({ sandboxId, id }) + '\n');
setInterval(() => {}, 1 << 30);
