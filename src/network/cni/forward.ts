// Forwarding of pod traffic between the bridge and the node's uplink. Pod-to-pod traffic
// across nodes (host-gw routes, src/network/routes/) is forwarded by the host, and a
// firewall whose FORWARD chain drops by default (Docker sets `-P FORWARD DROP`) would eat
// it. An accept in a table of our own cannot help there: nftables runs every table's
// forward hook and a drop in any of them is final. So, as flannel does, the accept goes
// into iptables' FORWARD chain itself, and only when that chain could drop something.
import { runCommand } from './host.js';

export type CommandRunner = (cmd: string, args: string[]) => Promise<string>;

/** Marks our rules, so that teardown finds them and nothing else. */
export const FORWARD_COMMENT = 'k8ts-podnet: cluster CIDR';

function ruleArgs(flag: '-s' | '-d', clusterCIDR: string): string[] {
  return [flag, clusterCIDR, '-m', 'comment', '--comment', FORWARD_COMMENT, '-j', 'ACCEPT'];
}

/** From `iptables -S FORWARD`: a chain with an ACCEPT policy and no rules lets everything through already. */
export function forwardChainMayDrop(listing: string): boolean {
  const lines = listing.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const policy = lines.find((l) => l.startsWith('-P FORWARD '));
  const rules = lines.filter((l) => l.startsWith('-A FORWARD '));
  return policy !== '-P FORWARD ACCEPT' || rules.length > 0;
}

function ourRules(listing: string, clusterCIDR: string): Array<'-s' | '-d'> {
  const found: Array<'-s' | '-d'> = [];
  for (const l of listing.split('\n')) {
    if (!l.startsWith('-A FORWARD ') || !l.includes(FORWARD_COMMENT)) continue;
    if (l.includes(`-s ${clusterCIDR} `)) found.push('-s');
    if (l.includes(`-d ${clusterCIDR} `)) found.push('-d');
  }
  return found;
}

/**
 * Accepts forwarded traffic from and to the cluster CIDR ahead of the FORWARD chain's
 * own rules. Answers false when iptables is not there to ask (nothing of ours to add).
 */
export async function acceptClusterForwarding(clusterCIDR: string, run: CommandRunner = runCommand): Promise<boolean> {
  let listing: string;
  try {
    listing = await run('iptables', ['-w', '-S', 'FORWARD']);
  } catch {
    return false;
  }
  if (!forwardChainMayDrop(listing)) return true;
  const present = ourRules(listing, clusterCIDR);
  for (const flag of ['-d', '-s'] as const) {
    if (!present.includes(flag)) await run('iptables', ['-w', '-I', 'FORWARD', '1', ...ruleArgs(flag, clusterCIDR)]);
  }
  return true;
}

/** Removes the rules acceptClusterForwarding added (node teardown); a host without them is left as it is. */
export async function removeClusterForwarding(clusterCIDR: string, run: CommandRunner = runCommand): Promise<void> {
  let listing: string;
  try {
    listing = await run('iptables', ['-w', '-S', 'FORWARD']);
  } catch {
    return;
  }
  for (const flag of ourRules(listing, clusterCIDR)) await run('iptables', ['-w', '-D', 'FORWARD', ...ruleArgs(flag, clusterCIDR)]);
}
