// What the generic object store asks of the rest of the system, passed in so that the
// store stays one mechanism for every kind: defaulting, validation and admission.

import type { ResourceType } from '../../api/resources.js';
import type { KObject } from '../kobject.js';

export interface FieldError {
  reason: string;
  field: string;
  message: string;
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionRequest {
  operation: Operation;
  resource: ResourceType;
  subresource?: string;
  namespace?: string;
  name: string;
  object?: KObject;
  oldObject?: KObject;
  user?: UserInfo;
  dryRun: boolean;
}

/** An admission plugin may mutate request.object, or throw an ApiError to refuse. */
export type AdmissionPlugin = (request: AdmissionRequest) => Promise<void> | void;

export interface ObjectHooks {
  /** Fills in defaults, in place. */
  defaults(r: ResourceType, obj: KObject): void;
  /** What a create sets once, beyond defaults (a pod's QoS class, a job's selector), in place. */
  prepareForCreate(r: ResourceType, obj: KObject): void;
  /** What an update keeps from the old object before defaults (a service's allocated IPs), in place. */
  prepareForUpdate(r: ResourceType, obj: KObject, old: KObject): void;
  /** The Status message of a 422: `Deployment.apps "x" is invalid: [...]`. */
  invalidMessage(r: ResourceType, name: string, errs: FieldError[]): string;
  /** Validation of a write to the status subresource. */
  validateStatus(r: ResourceType, obj: KObject, old: KObject): FieldError[];
  validate(r: ResourceType, obj: KObject, old?: KObject): FieldError[];
  admission: AdmissionPlugin[];
}

export const noHooks: ObjectHooks = {
  defaults: () => {},
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  invalidMessage: (r, name, errs) => `${r.kind} "${name}" is invalid: ${errs.map((e) => `${e.field}: ${e.message}`).join(', ')}`,
  validate: () => [],
  validateStatus: () => [],
  admission: [],
};
