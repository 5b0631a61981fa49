// The few definitions whose wire form is not a plain struct: they have custom JSON
// marshalling in Kubernetes (times as RFC 3339 strings, quantities as "100m", int-or-string
// values), or hold arbitrary embedded JSON.

import type { Definitions } from './types.js';

export const primitiveDefinitions: Definitions = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': {
    type: 'string',
    format: 'date-time',
    description: 'A point in time, written as an RFC 3339 string with second precision (2024-01-02T15:04:05Z).',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': {
    type: 'string',
    format: 'date-time',
    description: 'A point in time with microsecond precision, as an RFC 3339 string.',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': {
    type: 'object',
    description: 'The set of fields a manager owns, encoded as a trie of "f:<name>", "k:<keys>", "v:<value>" and "i:<index>" entries.',
  },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    type: 'string',
    description:
      'An amount in fixed-point form: a number with an optional suffix, either binary (Ki, Mi, Gi, Ti, Pi, Ei), decimal (m, k, M, G, T, P, E) or an exponent (1e3). Examples: "500m", "2Gi", "1.5".',
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    type: 'string',
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
    description: 'A value that is either a whole number or a string, such as a port number or a port name, or "25%".',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': {
    type: 'object',
    description: 'The body of a PATCH request: a JSON patch, a merge patch, a strategic merge patch or an apply configuration, as its Content-Type says.',
  },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {
    type: 'object',
    description: 'A complete embedded object of any kind, carried as raw JSON.',
  },
};
