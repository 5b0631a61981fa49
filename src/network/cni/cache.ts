// The per-attachment result cache, kept on disk as libcni keeps it, so that DEL after
// an agent restart sends the same configuration, CNI_ARGS, capability arguments and
// prevResult that ADD used (the configuration file may have changed since).
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CapabilityArgs } from './config.js';
import type { CniNetworkConfList, CniResult } from './types.js';

export interface CachedAttachment {
  kind: 'cniCacheV1';
  containerId: string;
  ifName: string;
  networkName: string;
  netns: string;
  cniArgs: string;
  capabilityArgs: CapabilityArgs;
  config: CniNetworkConfList;
  /** Undefined while ADD is in progress: DEL then still runs with the config. */
  result?: CniResult;
  podRef: string;
}

export class ResultCache {
  /** Made once, on the first put: every pod's attachment writes one entry. */
  private made: Promise<unknown> | null = null;

  constructor(private readonly dir: string) {}

  private file(networkName: string, containerId: string, ifName: string): string {
    return join(this.dir, `${networkName}-${containerId}-${ifName}`);
  }

  async put(entry: CachedAttachment): Promise<void> {
    const f = this.file(entry.networkName, entry.containerId, entry.ifName);
    const tmp = `${f}.tmp`;
    const body = JSON.stringify(entry);
    await (this.made ??= this.makeDir());
    // A directory removed since (by an uninstall, say) is made again.
    await writeFile(tmp, body, { mode: 0o600 }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
      await (this.made = this.makeDir());
      await writeFile(tmp, body, { mode: 0o600 });
    });
    await rename(tmp, f);
  }

  private makeDir(): Promise<unknown> {
    return mkdir(this.dir, { recursive: true, mode: 0o700 }).catch((e: unknown) => { this.made = null; throw e; });
  }

  async get(networkName: string, containerId: string, ifName: string): Promise<CachedAttachment | undefined> {
    try {
      const text = await readFile(this.file(networkName, containerId, ifName), 'utf8');
      const v = JSON.parse(text) as CachedAttachment;
      return v.kind === 'cniCacheV1' ? v : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  async delete(networkName: string, containerId: string, ifName: string): Promise<void> {
    await rm(this.file(networkName, containerId, ifName), { force: true });
  }

  /** Every complete entry of the network (those half-written are skipped). */
  async list(networkName: string): Promise<CachedAttachment[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: CachedAttachment[] = [];
    for (const n of names) {
      if (!n.startsWith(`${networkName}-`) || n.endsWith('.tmp')) continue;
      try {
        const v = JSON.parse(await readFile(join(this.dir, n), 'utf8')) as CachedAttachment;
        if (v.kind === 'cniCacheV1' && v.networkName === networkName) out.push(v);
      } catch {
        // Vanished or torn: nothing to report.
      }
    }
    return out;
  }
}
