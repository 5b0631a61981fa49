// ConfigMaps, Secrets and ServiceAccounts.

import { type FieldError, FieldPath, fieldImmutable, forbidden, invalid, required, tooLong } from './errors.js';
import { type JsonObject, deepEqual, obj, objs, str, strMap } from './json.js';
import { isConfigMapKey, nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';

/** The most data a ConfigMap or Secret may hold (1 MiB). */
export const maxDataSize = 1024 * 1024;

function validateKeys(data: JsonObject | undefined, p: FieldPath, other: JsonObject | undefined, otherName: string, errs: FieldError[]): number {
  let size = 0;
  for (const [k, v] of Object.entries(data ?? {})) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(p.key(k), k, m));
    if (other && k in other) errs.push(invalid(p.key(k), k, `duplicate of key present in ${otherName}`));
    if (typeof v === 'string') size += v.length;
  }
  return size;
}

function validateImmutableData(o: JsonObject, old: JsonObject, keys: string[], errs: FieldError[]): void {
  if (old.immutable !== true) return;
  if (o.immutable !== true) errs.push(forbidden(new FieldPath('immutable'), 'field is immutable when `immutable` is set'));
  for (const k of keys) {
    if (!deepEqual(o[k] ?? {}, old[k] ?? {})) errs.push(forbidden(new FieldPath(k), 'field is immutable when `immutable` is set'));
  }
}

export function validateConfigMap(cm: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(cm, old) : validateObjectMeta(cm, true, nameIsDNSSubdomain);
  const data = obj(cm, 'data');
  const binary = obj(cm, 'binaryData');
  let size = validateKeys(data, new FieldPath('data'), binary, 'binaryData', errs);
  // binaryData values are base64: the decoded size counts.
  for (const [k, v] of Object.entries(binary ?? {})) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(new FieldPath('binaryData').key(k), k, m));
    if (typeof v === 'string') size += Math.floor((v.replace(/=+$/, '').length * 3) / 4);
  }
  // Kubernetes reports this against the empty path, which prints as "[]".
  if (size > maxDataSize) errs.push(tooLong('[]', maxDataSize));
  if (old) validateImmutableData(cm, old, ['data', 'binaryData'], errs);
  return errs;
}

const secretRequiredKeys: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

export function validateSecret(s: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(s, old) : validateObjectMeta(s, true, nameIsDNSSubdomain);
  const dp = new FieldPath('data');
  const data = obj(s, 'data') ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(dp.key(k), k, m));
    if (typeof v === 'string') size += Math.floor((v.replace(/=+$/, '').length * 3) / 4);
  }
  for (const [k, v] of Object.entries(obj(s, 'stringData') ?? {})) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(new FieldPath('stringData').key(k), k, m));
    if (typeof v === 'string') size += Buffer.byteLength(v);
  }
  if (size > maxDataSize) errs.push(tooLong(dp, maxDataSize));
  const type = str(s, 'type');
  const present = (k: string): boolean => k in data || k in (obj(s, 'stringData') ?? {});
  for (const k of secretRequiredKeys[type] ?? []) if (!present(k)) errs.push(required(dp.key(k)));
  if (type === 'kubernetes.io/service-account-token' && !strMap(obj(s, 'metadata'), 'annotations')['kubernetes.io/service-account.name']) {
    errs.push(required(new FieldPath('metadata').child('annotations').key('kubernetes.io/service-account.name')));
  }
  if (type === 'kubernetes.io/basic-auth' && !present('username') && !present('password')) {
    errs.push(required(dp.key('username')), required(dp.key('password')));
  }
  if (old) {
    if (str(s, 'type') !== str(old, 'type')) errs.push(invalid(new FieldPath('type'), str(s, 'type'), fieldImmutable));
    validateImmutableData(s, old, ['data'], errs);
  }
  return errs;
}

export function validateServiceAccount(sa: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(sa, old) : validateObjectMeta(sa, true, nameIsDNSSubdomain);
  objs(sa, 'secrets').forEach((ref, i) => {
    if (!str(ref, 'name')) errs.push(required(new FieldPath('secrets').index(i).child('name')));
  });
  return errs;
}
