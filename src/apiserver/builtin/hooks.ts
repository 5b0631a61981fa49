// Defaulting and validation of the built-in kinds, with the admission plugins the
// server runs, as the generic store's hooks.

import { applyDefaults, prepareJobOnCreate, prepareNamespaceOnCreate, preparePodOnCreate } from '../../api/defaults/index.js';
import { prepareServiceForUpdate } from '../../api/defaults/service.js';
import { validateObject } from '../../api/validation/index.js';
import { invalidMessage, qualifiedKind } from '../../api/validation/errors.js';
import { validateStatusUpdate } from '../../api/validation/status.js';
import type { ResourceType } from '../../api/resources.js';
import type { KObject } from '../kobject.js';
import type { AdmissionPlugin, ObjectHooks } from '../registry/hooks.js';

export interface BuiltinHookOptions {
  /** The NodePort range services are validated against. Default 30000-32767. */
  nodePortRange?: { min: number; max: number };
}

type ValidationErrors = Parameters<typeof invalidMessage>[2];

export function builtinHooks(admission: AdmissionPlugin[], opts: BuiltinHookOptions = {}): ObjectHooks {
  const nodePortRange = opts.nodePortRange ?? { min: 30000, max: 32767 };
  return {
    defaults: (r, obj) => applyDefaults(r, obj),
    prepareForCreate,
    prepareForUpdate: (r, obj, old) => {
      if (r.group === '' && r.kind === 'Service') prepareServiceForUpdate(obj as unknown as Record<string, never>, old as unknown as Record<string, never>);
    },
    invalidMessage: (r, name, errs) => invalidMessage(qualifiedKind(r), name, errs as ValidationErrors),
    validate: (r, obj, old) => validateObject(r, obj, old, { nodePortRange }),
    validateStatus: (r, obj, old) => validateStatusUpdate(r, obj, old),
    admission,
  };
}

function prepareForCreate(r: ResourceType, obj: KObject): void {
  const o = obj as unknown as Parameters<typeof preparePodOnCreate>[0];
  switch (`${r.group}/${r.kind}`) {
    case '/Pod': return preparePodOnCreate(o);
    case '/Namespace': return prepareNamespaceOnCreate(o);
    case 'batch/Job': return prepareJobOnCreate(o, obj.metadata.uid as string);
  }
}
