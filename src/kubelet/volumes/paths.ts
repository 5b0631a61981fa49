// Where the kubelet keeps a pod's volumes on the host, laid out as the real kubelet
// does: <rootDir>/pods/<uid>/volumes/<plugin, '/' escaped as '~'>/<volume name>.

import path from 'node:path';

export const plugins = {
  emptyDir: 'kubernetes.io/empty-dir',
  configMap: 'kubernetes.io/configmap',
  secret: 'kubernetes.io/secret',
  downwardAPI: 'kubernetes.io/downward-api',
  projected: 'kubernetes.io/projected',
} as const;

export type PluginName = (typeof plugins)[keyof typeof plugins];

/** 'kubernetes.io/empty-dir' -> 'kubernetes.io~empty-dir' (the kubelet's escaping). */
export function escapePluginName(name: string): string {
  return name.replaceAll('/', '~');
}

export function podDir(rootDir: string, uid: string): string {
  return path.join(rootDir, 'pods', uid);
}

export function podVolumesDir(rootDir: string, uid: string): string {
  return path.join(podDir(rootDir, uid), 'volumes');
}

export function volumeDir(rootDir: string, uid: string, plugin: PluginName, volume: string): string {
  return path.join(podVolumesDir(rootDir, uid), escapePluginName(plugin), volume);
}
