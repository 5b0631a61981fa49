// Defaulting and validation of the built-in kinds, with the admission plugins the
// server runs, as the generic store's hooks.

import { applyDefaults, prepareJobOnCreate, prepareNamespaceOnCreate, preparePodOnCreate } from '../../api/defaults/index.js';
import { validateObject } from '../../api/validation/index.js';
import { invalidMessage } from '../../api/validation/errors.js';
import type { ResourceType } from '../../api/resources.js';
import type { KObject } from '../kobject.js';
import type { AdmissionPlugin, ObjectHooks } from '../registry/hooks.js';

export interface BuiltinHookOptions {
  /** The NodePort range services are validated against. Default 30000-32767. */
  nodePortRange?: { min: number; max: number };
}

export function builtinHooks(admission: AdmissionPlugin[], _opts: BuiltinHookOptions = {}): ObjectHooks {
  return {
    defaults: (r, obj) => applyDefaults(r, obj),
    prepareForCreate,
    invalidMessage: (kind, name, errs) => invalidMessage(kind, name, errs as Parameters<typeof invalidMessage>[2]),
    validate: (r, obj, old) => validateObject(r, obj, old),
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
