// `k8ts ctr`: a docker-like command over the same runtime the kubelet uses. This file
// only parses the global flags, picks the sub-command and turns errors into messages
// and exit codes (2 for bad usage, 125 when `run` could not start a container, 1 else).

import { FlagError, parseFlags } from '../flags.js';
import { NotFoundError, RuntimeError } from '../../runtime/cri.js';
import { ImageError } from '../../runtime/oci/image/index.js';
import { makeContext, reapAutoRemoved, type Ctx } from './context.js';
import { UsageError } from './errors.js';
import { imageCmd, images, pull, rmi } from './images.js';
import { run } from './run.js';
import { exec, inspect, logs, ps, rm, stop } from './containers.js';

const USAGE = `usage: k8ts ctr [--root DIR] [--runtime crun|runc] [--cgroup-parent PATH] COMMAND

commands:
  pull REF                      pull an image from a registry
  images                        list images
  rmi IMAGE...                  remove images
  image import FILE             import a docker-save or OCI archive
  run [flags] IMAGE [CMD...]    run a container (--rm -d --name -e --memory --cpus --read-only -v -i -t)
  ps [-a]                       list containers
  logs [-f] ID                  print a container's logs
  exec [-i] [-t] ID CMD...      run a command in a running container
  stop ID...                    stop containers (-t grace seconds)
  rm [-f] ID...                 remove containers
  inspect ID...                 show containers as JSON
`;

type Handler = (ctx: Ctx, args: string[]) => Promise<number>;
const COMMANDS: Record<string, Handler> = {
  pull, images, rmi, image: imageCmd, run, ps, logs, exec, stop, rm, inspect,
  container: async (ctx, [sub, ...rest]) => {
    const h = sub === 'ls' ? ps : sub !== undefined && sub !== 'container' ? COMMANDS[sub] : undefined;
    if (!h) throw new UsageError('container', `unknown container command "${sub ?? ''}"`);
    return h(ctx, rest);
  },
};

export async function runCtr(args: string[]): Promise<number> {
  let g;
  try {
    g = parseFlags(args, { values: { root: undefined, runtime: undefined, 'cgroup-parent': undefined }, switches: ['help'], aliases: { h: 'help' }, stopAtPositional: true });
  } catch (e) {
    process.stderr.write(`k8ts ctr: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const [name, ...rest] = g.positional;
  if (g.switches.has('help') || name === undefined || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined && !g.switches.has('help') ? 2 : 0;
  }
  const runtime = g.values.runtime;
  if (runtime !== undefined && runtime !== 'crun' && runtime !== 'runc') {
    process.stderr.write(`k8ts ctr: unknown --runtime "${runtime}" (want crun or runc)\n`);
    return 2;
  }
  const handler = COMMANDS[name];
  if (!handler) {
    process.stderr.write(`k8ts ctr: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  try {
    const ctx = await makeContext({ ...(g.values.root ? { root: g.values.root } : {}), ...(runtime ? { runtime } : {}), ...(g.values['cgroup-parent'] ? { cgroupParent: g.values['cgroup-parent'] } : {}) });
    await reapAutoRemoved(ctx.runtime);
    return await handler(ctx, rest);
  } catch (e) {
    return report(name, e);
  }
}

function report(command: string, e: unknown): number {
  const say = (m: string) => process.stderr.write(`Error: ${m}\n`);
  if (e instanceof FlagError || e instanceof UsageError) {
    say(`${e.message} (see "k8ts ctr --help")`);
    return 2;
  }
  if (e instanceof NotFoundError) {
    say(e.kind === 'container' ? `No such container: ${e.id}` : e.kind === 'image' ? `No such image: ${e.id}` : e.message);
    return command === 'run' ? 125 : 1;
  }
  if (e instanceof ImageError || e instanceof RuntimeError) {
    say(e.message);
    return command === 'run' ? 125 : 1;
  }
  say(e instanceof Error ? e.message : String(e));
  return command === 'run' ? 125 : 1;
}
