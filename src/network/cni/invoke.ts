// Runs a whole network configuration list: ADD through the plugins in order, each given
// the previous one's result as prevResult; DEL in reverse order, each given the cached
// ADD result; CHECK in order with the cached result (all as libcni does).
import { pluginInvocationConf, type CapabilityArgs } from './config.js';
import { execPlugin, type CniCommand } from './exec.js';
import type { CniNetworkConfList, CniResult } from './types.js';

export interface Attachment {
  pluginDir: string;
  containerId: string;
  netns: string;
  ifName: string;
  cniArgs: string;
  capabilityArgs: CapabilityArgs;
  podRef: string;
}

function invoke(list: CniNetworkConfList, index: number, command: CniCommand, att: Attachment, prev: CniResult | undefined) {
  const plugin = list.plugins[index]!;
  return execPlugin({
    pluginDir: att.pluginDir,
    type: plugin.type,
    command,
    containerId: att.containerId,
    netns: att.netns,
    ifName: att.ifName,
    cniArgs: att.cniArgs,
    conf: pluginInvocationConf(list, plugin, prev, att.capabilityArgs),
    podRef: att.podRef,
  });
}

export async function addNetworkList(list: CniNetworkConfList, att: Attachment): Promise<CniResult> {
  let prev: CniResult | undefined;
  for (let i = 0; i < list.plugins.length; i++) {
    // A chained plugin that prints nothing passes the previous result on unchanged.
    prev = (await invoke(list, i, 'ADD', att, prev)) ?? prev;
  }
  if (!prev) throw new TypeError(`network ${list.name} produced no result`);
  return prev;
}

export async function delNetworkList(list: CniNetworkConfList, att: Attachment, cached: CniResult | undefined): Promise<void> {
  for (let i = list.plugins.length - 1; i >= 0; i--) {
    await invoke(list, i, 'DEL', att, cached);
  }
}

export async function checkNetworkList(list: CniNetworkConfList, att: Attachment, cached: CniResult): Promise<void> {
  if (list.disableCheck) return;
  for (let i = 0; i < list.plugins.length; i++) {
    await invoke(list, i, 'CHECK', att, cached);
  }
}
