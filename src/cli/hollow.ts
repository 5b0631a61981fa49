// `k8ts hollow`: simulated nodes for scale tests. Registers N nodes that heartbeat and
// "run" the pods bound to them without containers; stopping the process stops their
// heartbeats, so their leases expire as a dead kubelet's would.

import { RestClient } from '../client/rest-client.js';
import { HollowNodes } from '../kubelet/hollow/hollow-nodes.js';
import { FlagError, parseFlags } from './flags.js';
import { logger } from './log.js';

const usage = `usage: k8ts hollow --kubeconfig FILE --nodes N [--name-prefix P] [--pods-per-node 110] [--cpu 4] [--memory 16Gi] [--ephemeral-storage 100Gi] [--labels k=v,...]\n`;

export function parseLabels(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (s ?? '').split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FlagError(`invalid label ${JSON.stringify(part)}: want key=value`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export async function runHollow(args: string[]): Promise<number> {
  const log = logger('hollow');
  let nodes: HollowNodes;
  let client: RestClient;
  try {
    const f = parseFlags(args, {
      values: { kubeconfig: undefined, nodes: undefined, 'name-prefix': 'hollow-node-', 'pods-per-node': '110', cpu: '4', memory: '16Gi', 'ephemeral-storage': '100Gi', labels: '' },
      switches: ['help'],
      aliases: { h: 'help' },
    });
    if (f.switches.has('help')) {
      process.stdout.write(usage);
      return 0;
    }
    const kubeconfig = f.values.kubeconfig;
    const count = Number(f.values.nodes);
    const pods = Number(f.values['pods-per-node']);
    if (!kubeconfig) throw new FlagError('--kubeconfig is required');
    if (!Number.isInteger(count) || count < 1) throw new FlagError('--nodes must be a positive integer');
    if (!Number.isInteger(pods) || pods < 1) throw new FlagError('--pods-per-node must be a positive integer');
    client = RestClient.fromKubeconfig(kubeconfig, { userAgent: 'k8ts-hollow' });
    nodes = new HollowNodes({
      client,
      count,
      namePrefix: f.values['name-prefix'],
      pods,
      cpu: f.values.cpu,
      memory: f.values.memory,
      ephemeralStorage: f.values['ephemeral-storage'],
      labels: parseLabels(f.values.labels),
      log,
    });
  } catch (err) {
    process.stderr.write(`k8ts hollow: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  try {
    await nodes.start();
  } catch (err) {
    log.error(`registering nodes failed: ${(err as Error).message}`);
    await nodes.stop();
    client.close();
    return 1;
  }
  log.info(`running ${nodes.specs.length} hollow nodes; ready`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await nodes.stop();
  client.close();
  return 0;
}
