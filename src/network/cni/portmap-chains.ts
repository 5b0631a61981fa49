// portmap leaves its shared chains (CNI-HOSTPORT-*) and the jumps into them in the nat
// table after the last DEL. At node teardown they are removed, but only when no
// attachment uses them any more, since another CNI network on the host may share them.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

const JUMPS: Array<[string, string[]]> = [
  ['PREROUTING', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT']],
  ['OUTPUT', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT']],
  ['POSTROUTING', ['-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', 'CNI-HOSTPORT-MASQ']],
];
const CHAINS = ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK'];

async function iptables(bin: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await execFileP(bin, ['-w', '-t', 'nat', ...args], { timeout: 60_000 });
    return stdout;
  } catch {
    return undefined;
  }
}

export async function removeIdlePortmapChains(): Promise<void> {
  for (const bin of ['iptables', 'ip6tables']) {
    const rules = await iptables(bin, ['-S', 'CNI-HOSTPORT-DNAT']);
    if (rules === undefined) continue; // absent, or no iptables at all
    if (rules.split('\n').some((l) => l.startsWith('-A '))) continue; // still in use
    for (const [chain, spec] of JUMPS) {
      while ((await iptables(bin, ['-D', chain, ...spec])) !== undefined) { /* remove duplicates too */ }
    }
    for (const chain of CHAINS) {
      await iptables(bin, ['-F', chain]);
      await iptables(bin, ['-X', chain]);
    }
  }
}
