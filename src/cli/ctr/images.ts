// ctr pull, images, rmi, image import.

import { ProgressPrinter, parseReference } from '../../runtime/oci/image/index.js';
import { parseFlags } from '../flags.js';
import { UsageError } from './errors.js';
import { LABEL_MANAGED, type Ctx } from './context.js';
import { ago, humanSize, table } from './format.js';

export async function pull(ctx: Ctx, args: string[]): Promise<number> {
  const f = parseFlags(args, { switches: ['quiet'], aliases: { q: 'quiet' } });
  if (f.positional.length !== 1) throw new UsageError('pull', 'pull needs exactly one image reference');
  const ref = f.positional[0]!;
  const progress = new ProgressPrinter(ctx.err as NodeJS.WriteStream);
  const info = await ctx.images.pull(ref, f.switches.has('quiet') ? {} : { onProgress: progress.update });
  progress.finish();
  ctx.out.write(`${info.repoDigests[0] ?? ref}\n${info.id}\n`);
  return 0;
}

export async function images(ctx: Ctx, args: string[]): Promise<number> {
  const f = parseFlags(args, { switches: ['quiet'], aliases: { q: 'quiet' } });
  const list = await ctx.images.list();
  if (f.switches.has('quiet')) {
    for (const i of list) ctx.out.write(`${i.id.slice(7, 19)}\n`);
    return 0;
  }
  const rows = [['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE']];
  for (const i of list) {
    const created = i.created ? ago(Date.parse(i.created)) : '';
    const names = i.repoTags.length > 0 ? i.repoTags : ['<none>:<none>'];
    for (const t of names) {
      const at = t.lastIndexOf(':');
      rows.push([t.slice(0, at), t.slice(at + 1), i.id.slice(7, 19), created, humanSize(i.size)]);
    }
  }
  ctx.out.write(table(rows));
  return 0;
}

export async function rmi(ctx: Ctx, args: string[]): Promise<number> {
  const f = parseFlags(args, { switches: ['force'], aliases: { f: 'force' } });
  if (f.positional.length === 0) throw new UsageError('rmi', 'rmi needs at least one image');
  let code = 0;
  for (const ref of f.positional) {
    const info = await ctx.images.get(ref);
    if (!info) { ctx.err.write(`Error: No such image: ${ref}\n`); code = 1; continue; }
    const users = (await ctx.runtime.listContainers({ labelSelector: { [LABEL_MANAGED]: 'true' } })).filter((c) => c.imageRef === info.id);
    if (users.length > 0 && !f.switches.has('force')) {
      ctx.err.write(`Error: image ${ref} is in use by container ${users[0]!.id.slice(0, 12)}\n`);
      code = 1;
      continue;
    }
    await ctx.images.remove(ref);
    ctx.out.write(`Untagged: ${ref}\n`);
  }
  await ctx.images.gc();
  return code;
}

export async function imageCmd(ctx: Ctx, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import':
    case 'load': {
      const f = parseFlags(rest, {});
      if (f.positional.length !== 1) throw new UsageError('image import', 'image import needs exactly one archive file');
      for (const i of await ctx.images.importArchive(f.positional[0]!)) {
        ctx.out.write(`Loaded image: ${i.repoTags[0] ?? i.id}\n`);
      }
      return 0;
    }
    case 'ls': case 'list': return images(ctx, rest);
    case 'pull': return pull(ctx, rest);
    case 'rm': return rmi(ctx, rest);
    default: throw new UsageError('image', `unknown image command "${sub ?? ''}" (want import, ls, pull, rm)`);
  }
}

/** Whether a reference parses, so `run` can say "bad reference" before pulling. */
export function validReference(ref: string): boolean {
  try { parseReference(ref); return true; } catch { return false; }
}
