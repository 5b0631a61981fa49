// Unknown-field detection for fieldValidation, over the built-in schemas.

import { findUnknownFields } from '../../api/schema/unknown-fields.js';
import type { SchemaSource } from '../../api/schema/types.js';
import type { FieldChecker } from '../seams.js';

export function builtinFieldChecker(schemas: SchemaSource): FieldChecker {
  return {
    unknownFields: (r, obj) => findUnknownFields(schemas, { group: r.group, version: r.version, kind: r.kind }, obj),
  };
}
