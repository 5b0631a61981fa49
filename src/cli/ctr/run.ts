// ctr run: one sandbox per container (as docker gives each container its own network
// namespace), then either detach or stream output and exit with the container's code.

import { randomBytes } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import { ProgressPrinter } from '../../runtime/oci/image/index.js';
import { processArgs } from '../../runtime/oci/spec.js';
import type { ContainerConfig, PodSandboxConfig } from '../../runtime/cri.js';
import { parseFlags } from '../flags.js';
import { UsageError } from './errors.js';
import { ANN_AUTO_REMOVE, ANN_COMMAND, LABEL_MANAGED, LABEL_NAME, type Ctx } from './context.js';
import { parseBytes } from './format.js';
import { pumpSession } from './stdio.js';

const RUN_FLAGS = {
  switches: ['rm', 'detach', 'interactive', 'tty', 'read-only', 'privileged'],
  values: { name: undefined, memory: undefined, cpus: undefined, user: undefined, workdir: undefined, entrypoint: undefined, network: undefined, 'pids-limit': undefined, hostname: undefined, 'stop-timeout': undefined },
  repeated: ['env', 'volume'],
  aliases: { d: 'detach', i: 'interactive', t: 'tty', e: 'env', v: 'volume', m: 'memory', u: 'user', w: 'workdir', h: 'hostname' },
  stopAtPositional: true,
};

async function ensureImage(ctx: Ctx, ref: string) {
  const local = await ctx.images.get(ref).catch(() => undefined);
  if (local) return local;
  ctx.err.write(`Unable to find image '${ref}' locally\n`);
  const progress = new ProgressPrinter(ctx.err as NodeJS.WriteStream);
  const info = await ctx.images.pull(ref, { onProgress: progress.update });
  progress.finish();
  return info;
}

function envList(list: string[]): { key: string; value: string }[] {
  return list.map((e) => {
    const i = e.indexOf('=');
    if (i === 0) throw new UsageError('run', `invalid environment variable "${e}"`);
    return i < 0 ? { key: e, value: process.env[e] ?? '' } : { key: e.slice(0, i), value: e.slice(i + 1) };
  });
}

function volumes(list: string[]) {
  return list.map((v) => {
    const [host, ctr, mode] = v.split(':');
    if (!host || !ctr || !ctr.startsWith('/') || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) {
      throw new UsageError('run', `invalid volume "${v}": want HOST:CONTAINER[:ro]`);
    }
    return { hostPath: resolvePath(host), containerPath: ctr, readonly: mode === 'ro' };
  });
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const f = parseFlags(args, RUN_FLAGS);
  const [image, ...cmd] = f.positional;
  if (!image) throw new UsageError('run', 'run needs an image');
  const sw = (n: string) => f.switches.has(n);
  const memory = f.values.memory !== undefined ? parseBytes(f.values.memory) : undefined;
  if (memory === null) throw new UsageError('run', `invalid --memory "${f.values.memory}": want e.g. 64m or 1g`);
  const cpus = f.values.cpus !== undefined ? Number(f.values.cpus) : undefined;
  if (cpus !== undefined && !(cpus > 0)) throw new UsageError('run', `invalid --cpus "${f.values.cpus}": want a positive number such as 0.5`);
  const pids = f.values['pids-limit'] !== undefined ? Number(f.values['pids-limit']) : undefined;
  if (pids !== undefined && !Number.isInteger(pids)) throw new UsageError('run', `invalid --pids-limit "${f.values['pids-limit']}"`);
  if (f.values.network !== undefined && !['host', 'none', 'bridge', 'default'].includes(f.values.network)) throw new UsageError('run', `unknown --network "${f.values.network}" (want host or none)`);
  const env = envList(f.lists.env ?? []);
  const mounts = volumes(f.lists.volume ?? []);

  const info = await ensureImage(ctx, image);
  const name = f.values.name ?? `c-${randomBytes(4).toString('hex')}`;
  const existing = await ctx.runtime.listContainers({ labelSelector: { [LABEL_MANAGED]: 'true', [LABEL_NAME]: name } });
  if (existing.length > 0) throw new UsageError('run', `the container name "${name}" is already in use by ${existing[0]!.id.slice(0, 12)}`);
  const command = f.values.entrypoint !== undefined ? [f.values.entrypoint] : undefined;
  const shown = processArgs(info.config, command, cmd.length > 0 ? cmd : undefined);

  const sandbox: PodSandboxConfig = {
    metadata: { name, uid: randomBytes(8).toString('hex'), namespace: 'ctr', attempt: 0 },
    hostname: f.values.hostname ?? name,
    labels: { [LABEL_MANAGED]: 'true' },
    linux: { hostNetwork: f.values.network === 'host' },
  };
  const config: ContainerConfig = {
    metadata: { name, attempt: 0 }, image: { image: info.id },
    ...(command ? { command } : {}), ...(cmd.length > 0 ? { args: cmd } : {}),
    envs: env, mounts, tty: sw('tty'), stdin: sw('interactive'), stdinOnce: sw('interactive'),
    ...(f.values.workdir ? { workingDir: f.values.workdir } : {}),
    labels: { [LABEL_MANAGED]: 'true', [LABEL_NAME]: name },
    annotations: { [ANN_COMMAND]: JSON.stringify(shown), 'io.k8ts.ctr/image': image, [ANN_AUTO_REMOVE]: String(sw('rm') && sw('detach')) },
    linux: {
      resources: {
        ...(memory ? { memoryLimitInBytes: memory } : {}),
        ...(cpus ? { cpuQuota: Math.round(cpus * 100000), cpuPeriod: 100000 } : {}),
        ...(pids ? { pidsLimit: pids } : {}),
      },
      securityContext: { readonlyRootfs: sw('read-only'), privileged: sw('privileged'), ...(f.values.user ? { user: f.values.user } : {}) },
    },
  };
  const sandboxId = await ctx.runtime.runPodSandbox(sandbox);
  let id: string;
  try {
    id = await ctx.runtime.createContainer(sandboxId, config, sandbox);
  } catch (e) {
    await ctx.runtime.removePodSandbox(sandboxId).catch(() => {});
    throw e;
  }
  if (sw('detach')) {
    await ctx.runtime.startContainer(id);
    ctx.out.write(`${id}\n`);
    return 0;
  }
  const onSignal = () => { void ctx.runtime.stopContainer(id, Number(f.values['stop-timeout'] ?? 10)); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (sw('interactive') && sw('tty')) {
      // A terminal session takes its output from the attach socket too, so prompts
      // without a newline show at once. Attached before start: no byte is missed.
      const session = await ctx.runtime.attach(id, { stdin: true });
      await ctx.runtime.startContainer(id);
      await pumpSession(session, { tty: true, stdin: true });
    } else {
      // conmon drops an attach client whose input ends, so piped stdin only feeds the
      // container, and the output (all of it, in order) comes from the log.
      const session = sw('interactive') ? await ctx.runtime.attach(id, { stdin: true }) : null;
      session?.stdout.resume();
      session?.stderr?.resume();
      await ctx.runtime.startContainer(id);
      if (session?.stdin) process.stdin.pipe(session.stdin);
      for await (const l of ctx.runtime.readContainerLogs(id, { follow: true })) (l.stream === 'stderr' ? ctx.err : ctx.out).write(l.log + '\n');
      if (session) {
        await session.exit.catch(() => 0);
        process.stdin.unpipe();
        process.stdin.destroy();
      }
    }
    const status = await ctx.runtime.containerStatus(id);
    return status.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (sw('rm')) await ctx.runtime.removePodSandbox(sandboxId);
  }
}
