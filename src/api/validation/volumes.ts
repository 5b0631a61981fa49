// Pod volumes: unique DNS-label names and exactly one source each, with the checks
// of the common sources.

import { type FieldError, FieldPath, duplicate, forbidden, invalid, required } from './errors.js';
import { type JsonObject, has, num, obj, objs, str } from './json.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';
import { validateLocalPath } from './container.js';

// In the order Kubernetes checks them: the first present source wins, later ones are reported.
export const volumeSourceKeys = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap',
  'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO',
  'csi', 'ephemeral', 'image',
];

const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';

function validateMode(v: number | undefined, p: FieldPath, errs: FieldError[]): void {
  if (v !== undefined && (v < 0 || v > 0o777)) errs.push(invalid(p, v, fileModeErrorMsg));
}

function validateKeyToPaths(items: JsonObject[], p: FieldPath, errs: FieldError[]): void {
  items.forEach((it, i) => {
    const ip = p.index(i);
    if (!str(it, 'key')) errs.push(required(ip.child('key')));
    const path = str(it, 'path');
    if (!path) errs.push(required(ip.child('path')));
    else errs.push(...validateLocalPath(path, ip.child('path')));
    validateMode(num(it, 'mode'), ip.child('mode'), errs);
  });
}

function validateSource(kind: string, src: JsonObject, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  switch (kind) {
    case 'hostPath':
      if (!str(src, 'path')) errs.push(required(p.child('path')));
      break;
    case 'secret': {
      const name = str(src, 'secretName');
      if (!name) errs.push(required(p.child('secretName')));
      else for (const m of isDNS1123Subdomain(name)) errs.push(invalid(p.child('secretName'), name, m));
      validateMode(num(src, 'defaultMode'), p.child('defaultMode'), errs);
      validateKeyToPaths(objs(src, 'items'), p.child('items'), errs);
      break;
    }
    case 'configMap':
      if (!str(src, 'name')) errs.push(required(p.child('name')));
      validateMode(num(src, 'defaultMode'), p.child('defaultMode'), errs);
      validateKeyToPaths(objs(src, 'items'), p.child('items'), errs);
      break;
    case 'persistentVolumeClaim':
      if (!str(src, 'claimName')) errs.push(required(p.child('claimName')));
      break;
    case 'nfs': {
      if (!str(src, 'server')) errs.push(required(p.child('server')));
      const path = str(src, 'path');
      if (!path) errs.push(required(p.child('path')));
      else if (!path.startsWith('/')) errs.push(invalid(p.child('path'), path, 'must be an absolute path'));
      break;
    }
    case 'downwardAPI':
      validateMode(num(src, 'defaultMode'), p.child('defaultMode'), errs);
      objs(src, 'items').forEach((it, i) => {
        const path = str(it, 'path');
        if (!path) errs.push(required(p.child('items').index(i).child('path')));
        else errs.push(...validateLocalPath(path, p.child('items').index(i).child('path')));
      });
      break;
    case 'projected':
      validateMode(num(src, 'defaultMode'), p.child('defaultMode'), errs);
      objs(src, 'sources').forEach((s, i) => {
        const kinds = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle', 'podCertificate'].filter((k) => has(s, k));
        const sp = p.child('sources').index(i);
        if (kinds.length === 0) errs.push(required(sp, 'must specify exactly 1 of: secret, configMap, downwardAPI, serviceAccountToken'));
        for (const k of kinds.slice(1)) errs.push(forbidden(sp.child(k), 'may not specify more than 1 volume type per source'));
        const sat = obj(s, 'serviceAccountToken');
        if (sat) {
          if (!str(sat, 'path')) errs.push(required(sp.child('serviceAccountToken', 'path')));
          const exp = num(sat, 'expirationSeconds');
          if (exp !== undefined && exp < 600) errs.push(invalid(sp.child('serviceAccountToken', 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
        }
      });
      break;
    case 'csi':
      if (!str(src, 'driver')) errs.push(required(p.child('driver')));
      break;
    case 'image':
      if (!str(src, 'reference')) errs.push(required(p.child('reference')));
      break;
    default:
      break;
  }
  return errs;
}

/** Validates spec.volumes and returns the valid volume names (for mount checks). */
export function validateVolumes(volumes: JsonObject[], p: FieldPath): { errors: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const ip = p.index(i);
    const name = str(v, 'name');
    let ok = true;
    if (!name) {
      errs.push(required(ip.child('name')));
      ok = false;
    } else {
      const msgs = isDNS1123Label(name);
      for (const m of msgs) errs.push(invalid(ip.child('name'), name, m));
      if (msgs.length) ok = false;
      else if (names.has(name)) {
        errs.push(duplicate(ip.child('name'), name));
        ok = false;
      }
    }
    const kinds = volumeSourceKeys.filter((k) => has(v, k));
    if (kinds.length === 0) errs.push(required(ip, 'must specify a volume type'));
    for (const k of kinds.slice(1)) errs.push(forbidden(ip.child(k), 'may not specify more than 1 volume type'));
    if (kinds.length > 0) errs.push(...validateSource(kinds[0], obj(v, kinds[0]) ?? {}, ip.child(kinds[0])));
    if (ok) names.add(name);
  });
  return { errors: errs, names };
}
