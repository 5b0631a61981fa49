// Small helpers for tests of the real runtime: run one container to its end and read
// what it printed.

import type { ContainerConfig, ContainerStatus, PodSandboxConfig, RuntimeService } from '../../cri.js';

let n = 0;

export function podConfig(extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  n++;
  return { metadata: { name: `t${n}`, uid: `u${n}`, namespace: 'test', attempt: 0 }, ...extra };
}

export async function waitExited(rt: RuntimeService, id: string, ms = 20000): Promise<ContainerStatus> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await rt.containerStatus(id);
    if (s.state === 'CONTAINER_EXITED') return s;
    if (Date.now() > deadline) throw new Error(`container ${id} did not exit within ${ms} ms (${s.state})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function logsOf(rt: RuntimeService, id: string): Promise<{ stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  for await (const l of rt.readContainerLogs(id)) (l.stream === 'stdout' ? out : err).push(l.log);
  return { stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Creates a sandbox and one container running `sh -c script`, runs it to its end. */
export async function runScript(rt: RuntimeService, script: string, extra: Partial<ContainerConfig> = {}, sandbox: Partial<PodSandboxConfig> = {}):
  Promise<{ status: ContainerStatus; stdout: string; stderr: string; sandboxId: string }> {
  const sbc = podConfig(sandbox);
  const sandboxId = await rt.runPodSandbox(sbc);
  const id = await rt.createContainer(sandboxId, { metadata: { name: 'main', attempt: 0 }, image: { image: 'busybox' }, command: ['sh', '-c', script], ...extra }, sbc);
  await rt.startContainer(id);
  const status = await waitExited(rt, id);
  return { status, ...(await logsOf(rt, id)), sandboxId };
}
