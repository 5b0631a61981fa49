// The review kinds: objects a client creates to ask a question (who am I, may I do
// this, is this token valid), answered in the response and never stored.

import type { ResourceType } from '../../api/resources.js';
import { apiVersionOf } from '../../api/resources.js';
import { errors } from '../errors.js';
import { isObject, type KObject } from '../kobject.js';
import type { UserInfo } from '../registry/hooks.js';

export interface AccessAttributes {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

export interface Authorizer {
  authorize(user: UserInfo, attrs: AccessAttributes): { allowed: boolean; reason?: string };
}

/** Until RBAC arrives every authenticated user may do everything. */
export const allowAll: Authorizer = { authorize: () => ({ allowed: true, reason: 'k8ts allows every authenticated user' }) };

export type TokenLookup = (token: string) => UserInfo | undefined;

function userInfoJson(u: UserInfo): Record<string, unknown> {
  return { username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra ? { extra: u.extra } : {}) };
}

export function answerReview(r: ResourceType, body: KObject, user: UserInfo, authorizer: Authorizer, lookupToken: TokenLookup): KObject {
  const spec = isObject(body.spec) ? body.spec : {};
  const base = { apiVersion: apiVersionOf(r), kind: r.kind, metadata: { creationTimestamp: null } } as unknown as KObject;
  switch (r.kind) {
    case 'SelfSubjectReview':
      return { ...base, status: { userInfo: userInfoJson(user) } };
    case 'TokenReview': {
      const token = typeof spec.token === 'string' ? spec.token : '';
      const found = lookupToken(token);
      return { ...base, spec, status: found ? { authenticated: true, user: userInfoJson(found), audiences: spec.audiences ?? [] } : { authenticated: false, error: 'invalid bearer token' } };
    }
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview': {
      const ra = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
      const na = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
      const subject: UserInfo = r.kind === 'SubjectAccessReview'
        ? { username: String(spec.user ?? ''), groups: Array.isArray(spec.groups) ? (spec.groups as string[]) : [] }
        : user;
      const attrs: AccessAttributes = ra
        ? { verb: String(ra.verb ?? ''), group: String(ra.group ?? ''), resource: String(ra.resource ?? ''), subresource: String(ra.subresource ?? ''), namespace: String(ra.namespace ?? ''), name: String(ra.name ?? '') }
        : { verb: String(na?.verb ?? ''), path: String(na?.path ?? '') };
      const decision = authorizer.authorize(subject, attrs);
      return { ...base, spec, status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) } };
    }
    case 'SelfSubjectRulesReview':
      return {
        ...base,
        spec,
        status: {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        },
      };
    default:
      throw errors.methodNotAllowed(`${r.plural} cannot be created`);
  }
}
