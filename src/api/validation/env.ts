// Container environment: variable names, values from the downward API, config maps
// and secrets, and envFrom sources.

import { type FieldError, FieldPath, invalid, notSupported, required } from './errors.js';
import { type JsonObject, has, obj, str } from './json.js';
import { isConfigMapKey, isQualifiedName, isRelaxedEnvVarName } from './names.js';

export function validateEnv(env: JsonObject[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  env.forEach((e, i) => {
    const ip = p.index(i);
    const name = str(e, 'name');
    if (!name) errs.push(required(ip.child('name')));
    else for (const m of isRelaxedEnvVarName(name)) errs.push(invalid(ip.child('name'), name, m));
    const from = obj(e, 'valueFrom');
    if (from) {
      if (str(e, 'value')) errs.push(invalid(ip.child('valueFrom'), '', 'may not be specified when `value` is not empty'));
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((k) => has(from, k));
      if (sources.length === 0) errs.push(invalid(ip.child('valueFrom'), '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (sources.length > 1) errs.push(invalid(ip.child('valueFrom'), '', 'may not have more than one field specified at a time'));
      for (const k of ['configMapKeyRef', 'secretKeyRef']) {
        const ref = obj(from, k);
        if (!ref) continue;
        const key = str(ref, 'key');
        if (!key) errs.push(required(ip.child('valueFrom', k, 'key')));
        else for (const m of isConfigMapKey(key)) errs.push(invalid(ip.child('valueFrom', k, 'key'), key, m));
        if (!str(ref, 'name')) errs.push(required(ip.child('valueFrom', k, 'name')));
      }
      const fieldRef = obj(from, 'fieldRef');
      if (fieldRef) errs.push(...validateEnvFieldRef(fieldRef, ip.child('valueFrom', 'fieldRef')));
      const resRef = obj(from, 'resourceFieldRef');
      if (resRef) {
        const res = str(resRef, 'resource');
        if (!res) errs.push(required(ip.child('valueFrom', 'resourceFieldRef', 'resource')));
        else if (!envResources.includes(res) && !/^(limits|requests)\.hugepages-/.test(res)) errs.push(notSupported(ip.child('valueFrom', 'resourceFieldRef', 'resource'), res, envResources));
      }
    }
  });
  return errs;
}

// Field paths the downward API converts at all, and those env vars may use.
const downwardFieldLabels = [
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName',
  'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs',
  'status.podIP', 'status.podIPs', 'spec.host',
];
const envFieldPaths = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const envResources = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

function validateEnvFieldRef(ref: JsonObject, p: FieldPath): FieldError[] {
  if (!str(ref, 'apiVersion')) return [required(p.child('apiVersion'))];
  const path = str(ref, 'fieldPath');
  if (!path) return [required(p.child('fieldPath'))];
  const sub = /^(.*)\['(.*)'\]$/.exec(path);
  if (sub) {
    if (sub[1] !== 'metadata.labels' && sub[1] !== 'metadata.annotations') {
      return [invalid(p.child('fieldPath'), path, `error converting fieldPath: field label does not support subscript: ${path}`)];
    }
    const key = sub[1] === 'metadata.annotations' ? sub[2].toLowerCase() : sub[2];
    return isQualifiedName(key).map((m) => invalid(p, key, m));
  }
  if (!downwardFieldLabels.includes(path)) return [invalid(p.child('fieldPath'), path, `error converting fieldPath: field label not supported: ${path}`)];
  const internal = path === 'spec.host' ? 'spec.nodeName' : path;
  return envFieldPaths.includes(internal) ? [] : [notSupported(p.child('fieldPath'), internal, [...envFieldPaths].sort())];
}

export function validateEnvFrom(envFrom: JsonObject[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  envFrom.forEach((e, i) => {
    const ip = p.index(i);
    const prefix = str(e, 'prefix');
    if (prefix) for (const m of isRelaxedEnvVarName(prefix)) errs.push(invalid(ip.child('prefix'), prefix, m));
    const refs = ['configMapRef', 'secretRef'].filter((k) => has(e, k));
    if (refs.length === 0) errs.push(invalid(ip, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (refs.length > 1) errs.push(invalid(ip, '', 'may not have more than one field specified at a time'));
    for (const k of refs) if (!str(obj(e, k), 'name')) errs.push(required(ip.child(k, 'name')));
  });
  return errs;
}
