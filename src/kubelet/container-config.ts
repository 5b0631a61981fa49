// The CRI ContainerConfig of one container instance: command and args with $(VAR)
// expanded, environment, mounts (volumes with subPath, the pod's etc files, the
// termination-message file), resources, security context, labels and annotations.

import path from 'node:path';
import type { ContainerConfig, KeyValue, Mount } from '../runtime/cri.js';
import { expandCommand } from './env.js';
import { A_CONTAINER_KIND, A_RESTART_COUNT, A_TERMINATION_MESSAGE_PATH, containerLabels } from './labels.js';
import { containerResources } from './resources.js';
import type { ContainerKind } from './runtime-state.js';
import type { ContainerSpec, Pod } from './types.js';

export class MountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MountError';
  }
}

export interface ConfigInput {
  pod: Pod;
  container: ContainerSpec;
  kind: ContainerKind;
  attempt: number;
  env: KeyValue[];
  volumes: Map<string, string>;
  etcMounts: Mount[];
  /** Host file mounted at terminationMessagePath. */
  terminationLog: string;
}

export function volumeMounts(c: ContainerSpec, volumes: Map<string, string>): Mount[] {
  return (c.volumeMounts ?? []).map((m) => {
    const host = volumes.get(m.name);
    if (host === undefined) throw new MountError(`unable to find volume "${m.name}" for container ${c.name}`);
    const sub = m.subPath ? path.normalize(m.subPath) : '';
    if (sub.startsWith('..') || path.isAbsolute(sub)) throw new MountError(`subPath "${m.subPath}" must stay inside the volume`);
    return { containerPath: m.mountPath, hostPath: sub ? path.join(host, sub) : host, readonly: m.readOnly ?? false };
  });
}

export function buildContainerConfig(inp: ConfigInput): ContainerConfig {
  const { pod, container: c } = inp;
  const own = volumeMounts(c, inp.volumes);
  // A volume mounted at /etc/hosts (and so on) replaces the kubelet's file, as in Kubernetes.
  const etc = inp.etcMounts.filter((e) => !own.some((m) => m.containerPath === e.containerPath));
  const tmp = c.terminationMessagePath ?? '/dev/termination-log';
  const sc = c.securityContext ?? {};
  const psc = pod.spec.securityContext ?? {};
  const uid = sc.runAsUser ?? psc.runAsUser;
  const gid = sc.runAsGroup ?? psc.runAsGroup;
  const user = uid !== undefined ? (gid !== undefined ? `${uid}:${gid}` : String(uid)) : undefined;
  return {
    metadata: { name: c.name, attempt: inp.attempt },
    image: { image: c.image ?? '' },
    command: expandCommand(c.command, inp.env),
    args: expandCommand(c.args, inp.env),
    workingDir: c.workingDir,
    envs: inp.env,
    mounts: [...etc, ...own, { containerPath: tmp, hostPath: inp.terminationLog }],
    labels: containerLabels(pod, c.name),
    annotations: {
      [A_RESTART_COUNT]: String(inp.attempt),
      [A_TERMINATION_MESSAGE_PATH]: tmp,
      [A_CONTAINER_KIND]: inp.kind,
    },
    logPath: `${c.name}/${inp.attempt}.log`,
    stdin: c.stdin,
    stdinOnce: c.stdinOnce,
    tty: c.tty,
    linux: {
      resources: containerResources(c),
      securityContext: {
        user,
        readonlyRootfs: sc.readOnlyRootFilesystem,
        privileged: sc.privileged,
        noNewPrivs: sc.allowPrivilegeEscalation === false ? true : undefined,
        addCapabilities: sc.capabilities?.add,
        dropCapabilities: sc.capabilities?.drop,
      },
    },
  };
}
