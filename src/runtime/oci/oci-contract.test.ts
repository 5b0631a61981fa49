// The shared contract, run against the real runtime with both crun and runc.

import { runRuntimeContract, shellScript } from '../contract/index.js';
import { newOciTestEnv } from './testing/harness.js';

for (const name of ['crun', 'runc'] as const) {
  runRuntimeContract(`oci/${name}`, async () => {
    const env = await newOciTestEnv(name);
    return {
      runtime: env.runtime,
      program: (p) => ({ image: { image: 'busybox' }, command: ['sh', '-c', shellScript(p)] }),
      cleanup: () => env.cleanup(),
    };
  });
}
