// DefaultTolerationSeconds admission: every pod tolerates a not-ready or unreachable
// node for a while (300 s unless the server is told otherwise) before it is evicted.

import { addDefaultTolerations } from '../../api/defaults/index.js';
import type { AdmissionPlugin } from '../registry/hooks.js';

export function defaultTolerationSeconds(notReadySeconds = 300, unreachableSeconds = 300): AdmissionPlugin {
  return (req) => {
    if (req.operation !== 'CREATE' || req.resource.group !== '' || req.resource.kind !== 'Pod' || !req.object) return;
    addDefaultTolerations(req.object as unknown as Parameters<typeof addDefaultTolerations>[0], notReadySeconds, unreachableSeconds);
  };
}
