// The DefaultTolerationSeconds admission plugin: every pod tolerates a not-ready or
// unreachable node for a while (300 s by default) before the taint manager evicts it.

import { type JsonObject, ensureObj, objs, str } from '../validation/json.js';

export const notReadyTaint = 'node.kubernetes.io/not-ready';
export const unreachableTaint = 'node.kubernetes.io/unreachable';

export function defaultTolerations(notReadySeconds = 300, unreachableSeconds = 300): JsonObject[] {
  return [
    { key: notReadyTaint, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: notReadySeconds },
    { key: unreachableTaint, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: unreachableSeconds },
  ];
}

/** Adds the default tolerations a pod lacks (one it already has for the key and effect wins). */
export function addDefaultTolerations(pod: JsonObject, notReadySeconds = 300, unreachableSeconds = 300): void {
  const spec = ensureObj(pod, 'spec');
  const existing = objs(spec, 'tolerations');
  const covers = (key: string): boolean =>
    existing.some((t) => (str(t, 'key') === key || str(t, 'key') === '') && (str(t, 'effect') === '' || str(t, 'effect') === 'NoExecute'));
  const add = defaultTolerations(notReadySeconds, unreachableSeconds).filter((t) => !covers(String(t.key)));
  if (add.length) spec.tolerations = [...existing, ...add];
}
