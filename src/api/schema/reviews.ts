// Schemas of the review kinds: authentication.k8s.io (TokenReview, SelfSubjectReview, and
// TokenRequest, the body of serviceaccounts/token) and authorization.k8s.io
// (SubjectAccessReview and the self-subject reviews). Created to ask, never stored.

import type { Definitions } from './types.js';
import { ref, refIn, atomic, bool, dict, gvk, i64, inPackage, list, meta, obj, str, time } from './dsl.js';

const authentication = refIn('io.k8s.api.authentication.v1');
const authorization = refIn('io.k8s.api.authorization.v1');

export const authenticationV1Definitions: Definitions = inPackage('io.k8s.api.authentication.v1', {
  SelfSubjectReview: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    status: authentication('SelfSubjectReviewStatus'),
  }), 'authentication.k8s.io', 'v1', 'SelfSubjectReview'),
  TokenReview: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: authentication('TokenReviewSpec'),
    status: authentication('TokenReviewStatus'),
  }, { required: ['spec'] }), 'authentication.k8s.io', 'v1', 'TokenReview'),
  TokenRequest: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: authentication('TokenRequestSpec'),
    status: authentication('TokenRequestStatus'),
  }), 'authentication.k8s.io', 'v1', 'TokenRequest'),
  SelfSubjectReviewStatus: obj({ userInfo: authentication('UserInfo') }),
  TokenReviewSpec: obj({ token: str(), audiences: atomic(str()) }, { required: ['token'] }),
  TokenReviewStatus: obj({
    authenticated: bool(),
    user: authentication('UserInfo'),
    audiences: atomic(str()),
    error: str(),
  }),
  TokenRequestSpec: obj({
    audiences: atomic(str()),
    expirationSeconds: i64(),
    boundObjectRef: authentication('BoundObjectReference'),
    attestations: dict(list(str())),
  }),
  TokenRequestStatus: obj({ token: str(), expirationTimestamp: time() }),
  UserInfo: obj({
    username: str(),
    uid: str(),
    groups: atomic(str()),
    extra: dict(list(str())),
  }),
  BoundObjectReference: obj({
    kind: str(),
    apiVersion: str(),
    name: str(),
    uid: str(),
  }),
});

export const authorizationV1Definitions: Definitions = inPackage('io.k8s.api.authorization.v1', {
  SelfSubjectAccessReview: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: authorization('SelfSubjectAccessReviewSpec'),
    status: authorization('SubjectAccessReviewStatus'),
  }, { required: ['spec'] }), 'authorization.k8s.io', 'v1', 'SelfSubjectAccessReview'),
  SelfSubjectRulesReview: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: authorization('SelfSubjectRulesReviewSpec'),
    status: authorization('SubjectRulesReviewStatus'),
  }, { required: ['spec'] }), 'authorization.k8s.io', 'v1', 'SelfSubjectRulesReview'),
  SubjectAccessReview: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    spec: authorization('SubjectAccessReviewSpec'),
    status: authorization('SubjectAccessReviewStatus'),
  }, { required: ['spec'] }), 'authorization.k8s.io', 'v1', 'SubjectAccessReview'),
  SelfSubjectAccessReviewSpec: obj({
    resourceAttributes: authorization('ResourceAttributes'),
    nonResourceAttributes: authorization('NonResourceAttributes'),
  }),
  SubjectAccessReviewStatus: obj({
    allowed: bool(),
    denied: bool(),
    reason: str(),
    evaluationError: str(),
  }, { required: ['allowed'] }),
  SelfSubjectRulesReviewSpec: obj({ namespace: str() }),
  SubjectRulesReviewStatus: obj({
    resourceRules: atomic(authorization('ResourceRule')),
    nonResourceRules: atomic(authorization('NonResourceRule')),
    incomplete: bool(),
    evaluationError: str(),
  }, { required: ['resourceRules', 'nonResourceRules', 'incomplete'] }),
  SubjectAccessReviewSpec: obj({
    resourceAttributes: authorization('ResourceAttributes'),
    nonResourceAttributes: authorization('NonResourceAttributes'),
    user: str(),
    groups: atomic(str()),
    extra: dict(list(str())),
    uid: str(),
  }),
  ResourceAttributes: obj({
    namespace: str(),
    verb: str(),
    group: str(),
    version: str(),
    resource: str(),
    subresource: str(),
    name: str(),
    fieldSelector: authorization('FieldSelectorAttributes'),
    labelSelector: authorization('LabelSelectorAttributes'),
  }),
  NonResourceAttributes: obj({ path: str(), verb: str() }),
  ResourceRule: obj({
    verbs: atomic(str()),
    apiGroups: atomic(str()),
    resources: atomic(str()),
    resourceNames: atomic(str()),
  }, { required: ['verbs'] }),
  NonResourceRule: obj({ verbs: atomic(str()), nonResourceURLs: atomic(str()) }, { required: ['verbs'] }),
  FieldSelectorAttributes: obj({
    rawSelector: str(),
    requirements: atomic(meta('FieldSelectorRequirement')),
  }),
  LabelSelectorAttributes: obj({
    rawSelector: str(),
    requirements: atomic(meta('LabelSelectorRequirement')),
  }),
});

// kubectl 1.27 asks `auth whoami` of v1beta1; the shape is v1's.
export const authenticationV1beta1Definitions: Definitions = inPackage('io.k8s.api.authentication.v1beta1', {
  SelfSubjectReview: gvk(obj({
    apiVersion: str(),
    kind: str(),
    metadata: meta('ObjectMeta'),
    status: ref('io.k8s.api.authentication.v1beta1.SelfSubjectReviewStatus'),
  }), 'authentication.k8s.io', 'v1beta1', 'SelfSubjectReview'),
  SelfSubjectReviewStatus: obj({ userInfo: authentication('UserInfo') }),
});
