// The cluster DNS address on the node: a `dummy` link holding the DNS service IP as a
// /32, so the server can bind 10.43.0.10:53 and pods reach it through the bridge's
// default route to the host. Kernels built without the dummy driver get an empty,
// port-less bridge instead: any link that is up makes the address local. Both calls are
// idempotent.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class DnsAddressError extends Error {
  override name = 'DnsAddressError';
}

export interface DnsAddressOptions {
  /** Run in this named network namespace (`ip -n`), for tests; default the current one. */
  netns?: string;
}

async function ip(args: string[], opts: DnsAddressOptions): Promise<string> {
  const full = opts.netns ? ['-n', opts.netns, ...args] : args;
  try {
    return (await run('ip', full)).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new DnsAddressError(`ip ${full.join(' ')}: ${(err.stderr ?? err.message).trim()}`);
  }
}

async function linkExists(ifname: string, opts: DnsAddressOptions): Promise<boolean> {
  try {
    await ip(['link', 'show', 'dev', ifname], opts);
    return true;
  } catch {
    return false;
  }
}

export async function ensureDnsAddress(address: string, ifname = 'k8ts-dns', opts: DnsAddressOptions = {}): Promise<void> {
  if (!(await linkExists(ifname, opts))) {
    try {
      await ip(['link', 'add', ifname, 'type', 'dummy'], opts);
    } catch (e) {
      // Someone else may have made it in between; anything else is a real failure.
      if (!(await linkExists(ifname, opts))) {
        if (!(e instanceof DnsAddressError && /Unknown device type/i.test(e.message))) throw e;
        await ip(['link', 'add', ifname, 'type', 'bridge'], opts);
      }
    }
  }
  const family = address.includes(':') ? '-6' : '-4';
  const prefix = address.includes(':') ? 128 : 32;
  const shown = await ip([family, '-o', 'addr', 'show', 'dev', ifname], opts);
  if (!shown.split('\n').some((l) => l.includes(` ${address}/${prefix} `))) await ip(['addr', 'add', `${address}/${prefix}`, 'dev', ifname], opts);
  await ip(['link', 'set', ifname, 'up'], opts);
}

export async function removeDnsAddress(ifname = 'k8ts-dns', opts: DnsAddressOptions = {}): Promise<void> {
  if (await linkExists(ifname, opts)) await ip(['link', 'del', ifname], opts);
}
