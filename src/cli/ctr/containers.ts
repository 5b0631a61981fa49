// ctr ps, logs, exec, stop, rm, inspect.

import { parseFlags } from '../flags.js';
import { UsageError } from './errors.js';
import { ANN_COMMAND, LABEL_MANAGED, LABEL_NAME, findContainer, type Ctx } from './context.js';
import { ago, humanDuration, table } from './format.js';
import { pumpSession } from './stdio.js';
import type { ContainerStatus } from '../../runtime/cri.js';

function statusText(s: ContainerStatus, now = Date.now()): string {
  switch (s.state) {
    case 'CONTAINER_CREATED': return 'Created';
    case 'CONTAINER_RUNNING': return `Up ${humanDuration(now - s.startedAt / 1e6)}`;
    case 'CONTAINER_EXITED': return `Exited (${s.exitCode}) ${ago(s.finishedAt, now)}${s.reason === 'OOMKilled' ? ' (OOMKilled)' : ''}`;
    default: return 'Unknown';
  }
}

function commandText(s: { annotations: Record<string, string> }): string {
  let cmd: string[] = [];
  try { cmd = JSON.parse(s.annotations[ANN_COMMAND] ?? '[]') as string[]; } catch { /* shown empty */ }
  const text = cmd.join(' ');
  return JSON.stringify(text.length > 20 ? `${text.slice(0, 19)}…` : text);
}

export async function ps(ctx: Ctx, args: string[]): Promise<number> {
  const f = parseFlags(args, { switches: ['all', 'quiet'], aliases: { a: 'all', q: 'quiet' } });
  const list = await ctx.runtime.listContainers({ labelSelector: { [LABEL_MANAGED]: 'true' }, ...(f.switches.has('all') ? {} : { state: 'CONTAINER_RUNNING' as const }) });
  const statuses = await Promise.all(list.map((c) => ctx.runtime.containerStatus(c.id)));
  statuses.sort((a, b) => b.createdAt - a.createdAt);
  if (f.switches.has('quiet')) {
    for (const s of statuses) ctx.out.write(`${s.id.slice(0, 12)}\n`);
    return 0;
  }
  const rows = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'NAMES']];
  for (const s of statuses) {
    rows.push([s.id.slice(0, 12), s.annotations['io.k8ts.ctr/image'] ?? s.image.image, commandText(s), ago(s.createdAt), statusText(s), s.labels[LABEL_NAME] ?? '']);
  }
  ctx.out.write(table(rows));
  return 0;
}

export async function logs(ctx: Ctx, args: string[]): Promise<number> {
  const f = parseFlags(args, { switches: ['follow', 'timestamps'], values: { tail: undefined }, aliases: { f: 'follow', t: 'timestamps', n: 'tail' } });
  if (f.positional.length !== 1) throw new UsageError('logs', 'logs needs exactly one container');
  const c = await findContainer(ctx.runtime, f.positional[0]!);
  const tail = f.values.tail !== undefined && f.values.tail !== 'all' ? Number(f.values.tail) : undefined;
  if (tail !== undefined && !Number.isInteger(tail)) throw new UsageError('logs', `invalid --tail "${f.values.tail}"`);
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  try {
    for await (const l of ctx.runtime.readContainerLogs(c.id, { follow: f.switches.has('follow'), ...(tail !== undefined ? { tail } : {}), signal: ac.signal })) {
      const ts = f.switches.has('timestamps') ? `${new Date(l.timestamp / 1e6).toISOString()} ` : '';
      (l.stream === 'stderr' ? ctx.err : ctx.out).write(`${ts}${l.log}\n`);
    }
  } finally {
    process.off('SIGINT', stop);
  }
  return 0;
}

export async function exec(ctx: Ctx, args: string[]): Promise<number> {
  const f = parseFlags(args, { switches: ['interactive', 'tty'], aliases: { i: 'interactive', t: 'tty' }, stopAtPositional: true });
  const [ref, ...cmd] = f.positional;
  if (!ref || cmd.length === 0) throw new UsageError('exec', 'exec needs a container and a command');
  const c = await findContainer(ctx.runtime, ref);
  const tty = f.switches.has('tty');
  const stdin = f.switches.has('interactive');
  const h = await ctx.runtime.exec(c.id, { cmd, tty, stdin });
  return pumpSession(h, { tty, stdin });
}

export async function stop(ctx: Ctx, args: string[]): Promise<number> {
  const f = parseFlags(args, { values: { time: '10' }, aliases: { t: 'time' } });
  if (f.positional.length === 0) throw new UsageError('stop', 'stop needs at least one container');
  const grace = Number(f.values.time);
  if (!Number.isFinite(grace) || grace < 0) throw new UsageError('stop', `invalid --time "${f.values.time}"`);
  for (const ref of f.positional) {
    const c = await findContainer(ctx.runtime, ref);
    await ctx.runtime.stopContainer(c.id, grace);
    ctx.out.write(`${ref}\n`);
  }
  return 0;
}

export async function rm(ctx: Ctx, args: string[]): Promise<number> {
  const f = parseFlags(args, { switches: ['force'], aliases: { f: 'force' } });
  if (f.positional.length === 0) throw new UsageError('rm', 'rm needs at least one container');
  let code = 0;
  for (const ref of f.positional) {
    const c = await findContainer(ctx.runtime, ref);
    const s = await ctx.runtime.containerStatus(c.id);
    if (s.state === 'CONTAINER_RUNNING' && !f.switches.has('force')) {
      ctx.err.write(`Error: container ${ref} is running: stop it first or use rm -f\n`);
      code = 1;
      continue;
    }
    await ctx.runtime.removePodSandbox(c.podSandboxId);
    ctx.out.write(`${ref}\n`);
  }
  return code;
}

export async function inspect(ctx: Ctx, args: string[]): Promise<number> {
  const f = parseFlags(args, {});
  if (f.positional.length === 0) throw new UsageError('inspect', 'inspect needs at least one container');
  const out = [];
  for (const ref of f.positional) {
    const c = await findContainer(ctx.runtime, ref);
    const status = await ctx.runtime.containerStatus(c.id);
    const sandbox = await ctx.runtime.podSandboxStatus(c.podSandboxId);
    out.push({
      Id: c.id, Name: c.labels[LABEL_NAME] ?? '', Image: status.annotations['io.k8ts.ctr/image'] ?? status.image.image, ImageId: status.imageRef,
      State: {
        Status: status.state.replace('CONTAINER_', '').toLowerCase(), Running: status.state === 'CONTAINER_RUNNING',
        OOMKilled: status.reason === 'OOMKilled', ExitCode: status.exitCode, Reason: status.reason,
        StartedAt: status.startedAt ? new Date(status.startedAt / 1e6).toISOString() : '',
        FinishedAt: status.finishedAt ? new Date(status.finishedAt / 1e6).toISOString() : '',
      },
      Created: new Date(status.createdAt / 1e6).toISOString(),
      LogPath: status.logPath, Mounts: status.mounts, Labels: status.labels, Annotations: status.annotations,
      Sandbox: { Id: sandbox.id, NetNS: sandbox.netnsPath, State: sandbox.state },
      Status: status,
    });
  }
  ctx.out.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}
