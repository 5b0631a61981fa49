// Server-side apply and managed-fields tracking over plain JSON objects.
//   serverSideApply({ live, applied, manager, force, schemaCtx, now, ... })
//       -> { object, managedFields, changed }; throws ApplyConflictError (409: use its
//          message and causes() for the Status), ApplyError (status 400/422).
//   updateManagedFields({ old, updated, manager, apiVersion, now, schemaCtx, ... })
//       -> { object, managedFields } for create/update/patch: call it with the object
//          after defaulting (kube's writers own the defaults they caused); server-set
//          metadata (uid, resourceVersion, timestamps, generation) is never owned.
//   fieldManagerFor({ fieldManager, userAgent, apply }) -> the manager name.
// Pass ignoredFields = FieldSet.of([['f:status']]) for writes to the main resource of a
// kind with a status subresource (and the spec side for writes to /status).
export { serverSideApply, beforeFirstApplyManager, type ServerSideApplyOptions, type ApplyResult } from './server-side-apply.js';
export { updateManagedFields, type UpdateManagedFieldsOptions } from './update-managed-fields.js';
export { fieldManagerFor, fieldManagerMaxLength } from './field-manager.js';
export { ApplyError, ApplyConflictError, describeManager, type ApplyConflict } from './errors.js';
export { FieldSet, pathString, type FieldsV1, type FieldPath } from './fieldset.js';
export { fieldSetOf, listKindOf, type ListKind } from './typed.js';
export { compareObjects, type Comparison } from './compare.js';
export { mergeApplied } from './merge.js';
export { decodeManagedFields, encodeManagedFields, type ManagedFieldsEntry, type ManagedFieldsOperation } from './managed-fields.js';
export { capUpdateManagers, maxUpdateManagers, ancientChangesManager } from './cap-managers.js';
export { ignoredFieldsFor } from './reset-fields.js';
