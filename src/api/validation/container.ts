// Container rules: names, images, ports, environment, mounts, resources and probes.

import { type FieldError, FieldPath, duplicate, forbidden, invalid, notFound, notSupported, required } from './errors.js';
import { type JsonObject, arr, has, num, obj, objs, str } from './json.js';
import { isDNS1123Label, isQualifiedName, isValidPortName, isValidPortNum } from './names.js';
import { QuantityParseError, compareQuantities, formatQuantity, parseQuantityExact } from './quantity.js';
import { validateEnv, validateEnvFrom } from './env.js';

export const portProtocols = ['SCTP', 'TCP', 'UDP'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const terminationMessagePolicies = ['File', 'FallbackToLogsOnError'];
// Requests may be below limits only for these; extended resources must be equal.
const overcommitable = new Set(['cpu', 'memory', 'ephemeral-storage']);

export interface ContainerContext {
  /** Names of the pod's volumes, for mount references. */
  volumes: Set<string>;
  hostNetwork: boolean;
  /** Init containers allow restartPolicy Always (sidecars) and forbid probes otherwise. */
  init: boolean;
}

/** An int port 1-65535 or an IANA_SVC_NAME, as httpGet/tcpSocket/targetPort take. */
export function validatePortNumOrName(port: unknown, p: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(p, port, m));
  if (typeof port === 'string') {
    if (port === '') return [required(p)];
    return isValidPortName(port).map((m) => invalid(p, port, m));
  }
  return [required(p)];
}

function validatePorts(ports: JsonObject[], p: FieldPath, hostNetwork: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const ip = p.index(i);
    const name = str(port, 'name');
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(ip.child('name'), name, m));
      else if (names.has(name)) errs.push(duplicate(ip.child('name'), name));
      else names.add(name);
    }
    const cp = num(port, 'containerPort') ?? 0;
    if (cp === 0) errs.push(required(ip.child('containerPort')));
    else for (const m of isValidPortNum(cp)) errs.push(invalid(ip.child('containerPort'), cp, m));
    const hp = num(port, 'hostPort') ?? 0;
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(invalid(ip.child('hostPort'), hp, m));
    if (hostNetwork && hp !== 0 && hp !== cp) errs.push(invalid(ip.child('containerPort'), cp, 'must match `hostPort` when `hostNetwork` is true'));
    const proto = str(port, 'protocol');
    if (!proto) errs.push(required(ip.child('protocol')));
    else if (!portProtocols.includes(proto)) errs.push(notSupported(ip.child('protocol'), proto, portProtocols));
  });
  return errs;
}

function validateMounts(mounts: JsonObject[], p: FieldPath, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  mounts.forEach((m, i) => {
    const ip = p.index(i);
    const name = str(m, 'name');
    if (!name) errs.push(required(ip.child('name')));
    else if (!volumes.has(name)) errs.push(notFound(ip.child('name'), name));
    const mp = str(m, 'mountPath');
    if (!mp) errs.push(required(ip.child('mountPath')));
    else if (paths.has(mp)) errs.push(invalid(ip.child('mountPath'), mp, 'must be unique'));
    else paths.add(mp);
    const sub = str(m, 'subPath');
    if (sub) errs.push(...validateLocalPath(sub, ip.child('subPath')));
  });
  return errs;
}

/** A relative path that does not escape its base (no absolute paths, no '..'). */
export function validateLocalPath(path: string, p: FieldPath): FieldError[] {
  if (path.startsWith('/')) return [invalid(p, path, 'must be a relative path')];
  if (path.split('/').includes('..')) return [invalid(p, path, "must not contain '..'")];
  return [];
}

function quantity(v: unknown, p: FieldPath, errs: FieldError[]): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') {
    errs.push(invalid(p, v, `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`));
    return undefined;
  }
  try {
    const q = parseQuantityExact(v);
    if (q.nanos < 0n) {
      errs.push(invalid(p, formatQuantity(q), 'must be greater than or equal to 0'));
      return undefined;
    }
    return String(v);
  } catch (e) {
    if (e instanceof QuantityParseError) errs.push(invalid(p, String(v), e.message));
    else throw e;
    return undefined;
  }
}

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

function validateResourceName(name: string, p: FieldPath, errs: FieldError[]): void {
  const msgs = isQualifiedName(name);
  for (const m of msgs) errs.push(invalid(p, name, m));
  if (msgs.length || name.includes('/')) return;
  if (!standardContainerResources.has(name) && !name.startsWith('hugepages-')) {
    errs.push(invalid(p, name, 'must be a standard resource type or fully qualified'));
    errs.push(invalid(p, name, 'must be a standard resource for containers'));
  }
}

export function validateResources(res: JsonObject | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!res) return errs;
  const limits = obj(res, 'limits') ?? {};
  const requests = obj(res, 'requests') ?? {};
  const limitQ: Record<string, string> = {};
  for (const [k, v] of Object.entries(limits)) {
    validateResourceName(k, p.child('limits').key(k), errs);
    const q = quantity(v, p.child('limits').key(k), errs);
    if (q !== undefined) limitQ[k] = q;
  }
  for (const [k, v] of Object.entries(requests)) {
    const kp = p.child('requests').key(k);
    validateResourceName(k, kp, errs);
    const q = quantity(v, kp, errs);
    if (q === undefined) continue;
    const lim = limitQ[k];
    // Formatted only for a message: most requests are valid, and formatting is not cheap.
    const shown = (s: string): string => formatQuantity(parseQuantityExact(s));
    if (lim !== undefined) {
      const cmp = compareQuantities(q, lim);
      if (cmp !== 0 && !overcommitable.has(k)) errs.push(invalid(p.child('requests'), shown(q), `must be equal to ${k} limit of ${shown(lim)}`));
      else if (cmp > 0) errs.push(invalid(p.child('requests'), shown(q), `must be less than or equal to ${k} limit of ${shown(lim)}`));
    } else if (!overcommitable.has(k) && !k.startsWith('hugepages-')) {
      errs.push(required(p.child('limits'), 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

const handlerTypes = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'];

export function validateHandler(h: JsonObject, p: FieldPath, allowed = handlerTypes): FieldError[] {
  const errs: FieldError[] = [];
  const present = allowed.filter((k) => has(h, k));
  if (present.length === 0) return [required(p, 'must specify a handler type')];
  for (const k of present.slice(1)) errs.push(forbidden(p.child(k), 'may not specify more than 1 handler type'));
  const k = present[0];
  const v = obj(h, k) ?? {};
  const hp = p.child(k);
  if (k === 'exec' && arr(v, 'command').length === 0) errs.push(required(hp.child('command')));
  if (k === 'httpGet') {
    if (!str(v, 'path')) errs.push(required(hp.child('path')));
    errs.push(...validatePortNumOrName(v.port, hp.child('port')));
    const scheme = str(v, 'scheme');
    if (scheme && !['HTTP', 'HTTPS'].includes(scheme)) errs.push(notSupported(hp.child('scheme'), scheme, ['HTTP', 'HTTPS']));
  }
  if (k === 'tcpSocket') errs.push(...validatePortNumOrName(v.port, hp.child('port')));
  if (k === 'grpc') {
    const port = num(v, 'port') ?? 0;
    for (const m of isValidPortNum(port)) errs.push(invalid(hp.child('port'), port, m));
  }
  if (k === 'sleep') {
    const s = num(v, 'seconds') ?? 0;
    if (s <= 0) errs.push(invalid(hp.child('seconds'), s, 'must be greater than 0'));
  }
  return errs;
}

function validateProbe(probe: JsonObject, p: FieldPath): FieldError[] {
  const errs = validateHandler(probe, p, ['exec', 'httpGet', 'tcpSocket', 'grpc']);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = num(probe, k);
    if (v !== undefined && v < 0) errs.push(invalid(p.child(k), v, 'must be greater than or equal to 0'));
  }
  const tgp = num(probe, 'terminationGracePeriodSeconds');
  if (tgp !== undefined && tgp <= 0) errs.push(invalid(p.child('terminationGracePeriodSeconds'), tgp, 'must be greater than 0'));
  return errs;
}

/** Checks one container; `names` collects names across init and regular containers. */
export function validateContainer(c: JsonObject, p: FieldPath, names: Set<string>, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c, 'name');
  if (!name) errs.push(required(p.child('name')));
  else {
    const msgs = isDNS1123Label(name);
    if (msgs.length) for (const m of msgs) errs.push(invalid(p.child('name'), name, m));
    else if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    else names.add(name);
  }
  const image = str(c, 'image');
  if (!image) errs.push(required(p.child('image')));
  const ipp = str(c, 'imagePullPolicy');
  if (!ipp) errs.push(required(p.child('imagePullPolicy')));
  else if (!pullPolicies.includes(ipp)) errs.push(notSupported(p.child('imagePullPolicy'), ipp, pullPolicies));
  const tmp = str(c, 'terminationMessagePolicy');
  if (!tmp) errs.push(required(p.child('terminationMessagePolicy')));
  else if (!terminationMessagePolicies.includes(tmp)) errs.push(notSupported(p.child('terminationMessagePolicy'), tmp, terminationMessagePolicies));
  errs.push(...validatePorts(objs(c, 'ports'), p.child('ports'), ctx.hostNetwork));
  errs.push(...validateEnv(objs(c, 'env'), p.child('env')));
  errs.push(...validateEnvFrom(objs(c, 'envFrom'), p.child('envFrom')));
  errs.push(...validateMounts(objs(c, 'volumeMounts'), p.child('volumeMounts'), ctx.volumes));
  errs.push(...validateResources(obj(c, 'resources'), p.child('resources')));
  const restartPolicy = str(c, 'restartPolicy');
  const sidecar = ctx.init && restartPolicy === 'Always';
  if (restartPolicy && ctx.init && restartPolicy !== 'Always') errs.push(notSupported(p.child('restartPolicy'), restartPolicy, ['Always']));
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = obj(c, k);
    if (!probe) continue;
    if (ctx.init && !sidecar) {
      errs.push(forbidden(p.child(k), 'may not be set for init containers without restartPolicy=Always'));
      continue;
    }
    errs.push(...validateProbe(probe, p.child(k)));
    const st = num(probe, 'successThreshold');
    if (k !== 'readinessProbe' && st !== undefined && st !== 1) errs.push(invalid(p.child(k, 'successThreshold'), st, 'must be 1'));
    if (k === 'readinessProbe' && has(probe, 'terminationGracePeriodSeconds')) {
      errs.push(invalid(p.child(k, 'terminationGracePeriodSeconds'), num(probe, 'terminationGracePeriodSeconds') ?? 0, 'must not be set for readinessProbes'));
    }
  }
  const lifecycle = obj(c, 'lifecycle');
  for (const k of ['postStart', 'preStop']) {
    const h = obj(lifecycle, k);
    if (h) errs.push(...validateHandler(h, p.child('lifecycle', k)));
  }
  errs.push(...validateSecurityContext(obj(c, 'securityContext'), p.child('securityContext')));
  return errs;
}

/** The checks pod- and container-level security contexts share. */
export function validateSecurityContext(sc: JsonObject | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!sc) return errs;
  for (const k of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    const v = num(sc, k);
    if (v !== undefined && (v < 0 || v > 2147483647)) errs.push(invalid(p.child(k), v, 'must be between 0 and 2147483647, inclusive'));
  }
  for (const [k, types, localKey] of [
    ['seccompProfile', ['Localhost', 'RuntimeDefault', 'Unconfined'], 'localhostProfile'],
    ['appArmorProfile', ['Localhost', 'RuntimeDefault', 'Unconfined'], 'localhostProfile'],
  ] as const) {
    const prof = obj(sc, k);
    if (!prof) continue;
    const type = str(prof, 'type');
    if (!type) errs.push(required(p.child(k, 'type')));
    else if (!(types as readonly string[]).includes(type)) errs.push(notSupported(p.child(k, 'type'), type, types));
    const local = str(prof, localKey);
    if (type === 'Localhost' && !local) errs.push(required(p.child(k, localKey), `must be set when ${k === 'seccompProfile' ? 'seccomp' : 'AppArmor'} type is Localhost`));
    if (type !== 'Localhost' && local) errs.push(invalid(p.child(k, localKey), local, `can only be set when ${k === 'seccompProfile' ? 'seccomp' : 'AppArmor'} type is Localhost`));
  }
  const pm = str(sc, 'procMount');
  if (pm && pm !== 'Default' && pm !== 'Unmasked') errs.push(notSupported(p.child('procMount'), pm, ['Default', 'Unmasked']));
  return errs;
}

