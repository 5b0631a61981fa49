// Unknown- and duplicate-field detection for fieldValidation, over the built-in schemas,
// with kube-apiserver's wording.

import { duplicateFieldMessage, findDuplicateFields } from '../../api/schema/duplicate-fields.js';
import { cannotBeHandledMessage, findUnknownFields, strictDecodingMessage, unknownFieldWarning } from '../../api/schema/unknown-fields.js';
import type { SchemaSource } from '../../api/schema/types.js';
import { findTypeErrors, typeErrorMessage } from '../../api/schema/type-check.js';
import type { FieldChecker } from '../seams.js';

export function builtinFieldChecker(schemas: SchemaSource): FieldChecker {
  return {
    typeError(r, obj) {
      const gvk = { group: r.group, version: r.version, kind: r.kind };
      const errs = findTypeErrors(schemas, gvk, obj);
      return errs.length > 0 ? typeErrorMessage(gvk, errs) : undefined;
    },
    unknownFields: (r, obj) => findUnknownFields(schemas, { group: r.group, version: r.version, kind: r.kind }, obj),
    duplicateFields: (json) => findDuplicateFields(json),
    cannotBeHandled: (r, unknown, dups) => cannotBeHandledMessage({ group: r.group, version: r.version, kind: r.kind }, unknown, dups),
    strictMessage: (unknown, dups) => strictDecodingMessage(unknown, dups),
    warnings: (unknown, dups) => [...unknown.map(unknownFieldWarning), ...dups.map(duplicateFieldMessage)],
  };
}
