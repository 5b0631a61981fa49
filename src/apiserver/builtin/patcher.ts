// The API server's patcher, over src/api/patch: strategic merge uses the kind's schema
// for its patch strategies and merge keys.

import type { ResourceType } from '../../api/resources.js';
import { PatchError } from '../../api/patch/errors.js';
import { applyJsonPatch } from '../../api/patch/json-patch.js';
import type { JsonObject, JsonValue } from '../../api/patch/json.js';
import { applyMergePatch } from '../../api/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge.js';
import type { SchemaSource } from '../../api/schema/types.js';
import { ApiError, errors } from '../errors.js';
import type { KObject } from '../kobject.js';
import type { Patcher } from '../seams.js';

function toApiError(err: PatchError, r: ResourceType, obj: KObject): ApiError {
  if (err.status === 400) return errors.badRequest(err.message);
  if (err.status === 413) return errors.tooLarge(err.message);
  const name = obj.metadata.name ?? '';
  return errors.invalid(r.group, r.kind, name, `${r.kind} "${name}" is invalid: ${err.message}`, [{ reason: 'FieldValueInvalid', message: err.message }]);
}

export function builtinPatcher(schemas: SchemaSource): Patcher {
  return {
    patch(r, type, current, patch) {
      try {
        const doc = current as unknown as JsonValue;
        let out: JsonValue;
        if (type === 'json') out = applyJsonPatch(doc, patch);
        else if (type === 'merge') out = applyMergePatch(doc, patch as JsonValue);
        else {
          const definition = schemas.definitionFor({ group: r.group, version: r.version, kind: r.kind });
          out = applyStrategicMergePatch(doc as JsonObject, patch, definition ? { source: schemas, definition } : undefined);
        }
        return out as unknown as KObject;
      } catch (err) {
        if (err instanceof PatchError) throw toApiError(err, r, current);
        throw err;
      }
    },
  };
}
