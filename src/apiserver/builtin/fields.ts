// Field ownership (metadata.managedFields) and server-side apply for the built-in kinds,
// over src/api/apply with the kinds' schemas.

import type { ResourceType } from '../../api/resources.js';
import { ApplyConflictError, ApplyError, serverSideApply, updateManagedFields } from '../../api/apply/index.js';
import type { SchemaContext } from '../../api/patch/schema-walk.js';
import type { JsonObject } from '../../api/patch/json.js';
import type { SchemaSource } from '../../api/schema/types.js';
import { apiVersionOf } from '../../api/resources.js';
import { ApiError, errors } from '../errors.js';
import type { KObject } from '../kobject.js';
import type { FieldManagement } from '../seams.js';

function schemaCtx(schemas: SchemaSource, r: ResourceType): SchemaContext | undefined {
  const definition = schemas.definitionFor({ group: r.group, version: r.version, kind: r.kind });
  return definition ? { source: schemas, definition } : undefined;
}

function toApiError(err: unknown, r: ResourceType, obj: KObject): unknown {
  if (err instanceof ApplyConflictError) return new ApiError(409, 'Conflict', err.message, { causes: err.causes() });
  if (err instanceof ApplyError) {
    const name = obj.metadata?.name ?? '';
    return err.status === 422
      ? errors.invalid(r.group, r.kind, name, err.message, [{ reason: 'FieldValueInvalid', message: err.message }])
      : new ApiError(err.status, err.status === 400 ? 'BadRequest' : 'Invalid', err.message);
  }
  return err;
}

export function builtinFields(schemas: SchemaSource): FieldManagement {
  return {
    apply(r, live, applied, manager, force, now) {
      try {
        const { object } = serverSideApply({
          live: live as unknown as JsonObject | undefined,
          applied: applied as unknown as JsonObject,
          manager,
          force,
          schemaCtx: schemaCtx(schemas, r),
          now,
          apiVersion: apiVersionOf(r),
        });
        return object as unknown as KObject;
      } catch (err) {
        throw toApiError(err, r, applied);
      }
    },
    track(r, old, updated, manager, subresource, now) {
      try {
        const { managedFields } = updateManagedFields({
          old: old as unknown as JsonObject | undefined,
          updated: updated as unknown as JsonObject,
          manager,
          apiVersion: apiVersionOf(r),
          now,
          schemaCtx: schemaCtx(schemas, r),
          subresource,
        });
        updated.metadata.managedFields = managedFields as unknown as Record<string, unknown>[];
      } catch (err) {
        throw toApiError(err, r, updated);
      }
    },
  };
}
