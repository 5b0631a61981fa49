export { serverSideApply, type ServerSideApplyOptions, type ApplyResult } from './server-side-apply.js';
export { updateManagedFields, type UpdateManagedFieldsOptions } from './update-managed-fields.js';
export { fieldManagerFor, fieldManagerMaxLength } from './field-manager.js';
export { ApplyError, ApplyConflictError, describeManager, type ApplyConflict } from './errors.js';
export { FieldSet, pathString, type FieldsV1, type FieldPath } from './fieldset.js';
export { fieldSetOf, listKindOf, type ListKind } from './typed.js';
export { compareObjects, type Comparison } from './compare.js';
export { mergeApplied } from './merge.js';
export { decodeManagedFields, encodeManagedFields, type ManagedFieldsEntry, type ManagedFieldsOperation } from './managed-fields.js';
