// HorizontalPodAutoscalers (autoscaling/v2, and v1's single CPU target): the scale
// target, replica bounds, metric sources and targets, scaling behavior.

import { type FieldError, FieldPath, forbidden, invalid, notSupported, required } from './errors.js';
import { type JsonObject, has, num, obj, objs, str } from './json.js';
import { nameIsDNSSubdomain, nameIsPathSegment } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isValidQuantity, parseQuantityExact } from './quantity.js';

export function validateHorizontalPodAutoscaler(hpa: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(hpa, old) : validateObjectMeta(hpa, true, nameIsDNSSubdomain);
  const spec = obj(hpa, 'spec') ?? {};
  const sp = new FieldPath('spec');
  const ref = obj(spec, 'scaleTargetRef') ?? {};
  const rp = sp.child('scaleTargetRef');
  if (!str(ref, 'kind')) errs.push(required(rp.child('kind')));
  const name = str(ref, 'name');
  if (!name) errs.push(required(rp.child('name')));
  else for (const m of nameIsPathSegment(name, false)) errs.push(invalid(rp.child('name'), name, m));
  const min = num(spec, 'minReplicas');
  const max = num(spec, 'maxReplicas') ?? 0;
  if (min !== undefined && min < 1) errs.push(invalid(sp.child('minReplicas'), min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(invalid(sp.child('maxReplicas'), max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(invalid(sp.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
  const cpu = num(spec, 'targetCPUUtilizationPercentage');
  if (cpu !== undefined && cpu < 1) errs.push(invalid(sp.child('targetCPUUtilizationPercentage'), cpu, 'must be greater than 0'));
  const metricTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
  objs(spec, 'metrics').forEach((m, i) => {
    const mp = sp.child('metrics').index(i);
    const type = str(m, 'type');
    if (!type) errs.push(required(mp.child('type'), 'must specify a metric source type'));
    else if (!metricTypes.includes(type)) errs.push(notSupported(mp.child('type'), type, metricTypes));
    else {
      const key = type.charAt(0).toLowerCase() + type.slice(1);
      if (!has(m, key)) errs.push(required(mp.child(key), `must populate information for the given metric source (type ${type})`));
      else validateMetricSource(type, obj(m, key) ?? {}, mp.child(key), errs);
    }
  });
  const behavior = obj(spec, 'behavior');
  for (const dir of ['scaleUp', 'scaleDown']) {
    const rules = obj(behavior, dir);
    if (!rules) continue;
    const p = sp.child('behavior', dir);
    const sw = num(rules, 'stabilizationWindowSeconds');
    if (sw !== undefined && (sw < 0 || sw > 3600)) errs.push(invalid(p.child('stabilizationWindowSeconds'), sw, 'must be less than or equal to 3600'));
    const sel = str(rules, 'selectPolicy');
    if (sel && !['Disabled', 'Max', 'Min'].includes(sel)) errs.push(notSupported(p.child('selectPolicy'), sel, ['Disabled', 'Max', 'Min']));
    objs(rules, 'policies').forEach((pol, j) => {
      const pp = p.child('policies').index(j);
      const t = str(pol, 'type');
      if (t !== 'Pods' && t !== 'Percent') errs.push(notSupported(pp.child('type'), t, ['Percent', 'Pods']));
      if ((num(pol, 'value') ?? 0) <= 0) errs.push(invalid(pp.child('value'), num(pol, 'value') ?? 0, 'must be greater than zero'));
      const per = num(pol, 'periodSeconds') ?? 0;
      if (per <= 0) errs.push(invalid(pp.child('periodSeconds'), per, 'must be greater than zero'));
      else if (per > 1800) errs.push(invalid(pp.child('periodSeconds'), per, 'must be less than or equal to 1800'));
    });
  }
  return errs;
}

function validateMetricTarget(t: JsonObject, p: FieldPath, errs: FieldError[]): void {
  const type = str(t, 'type');
  if (!type) errs.push(required(p.child('type'), 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) errs.push(invalid(p.child('type'), type, 'must be either Utilization, Value, or AverageValue'));
  for (const k of ['value', 'averageValue']) {
    if (has(t, k) && !(isValidQuantity(t[k]) && parseQuantityExact(t[k] as string).nanos > 0n)) errs.push(invalid(p.child(k), t[k], 'must be positive'));
  }
  const u = num(t, 'averageUtilization');
  if (u !== undefined && u < 1) errs.push(invalid(p.child('averageUtilization'), u, 'must be greater than 0'));
}

function validateMetricSource(type: string, src: JsonObject, p: FieldPath, errs: FieldError[]): void {
  const target = obj(src, 'target') ?? {};
  validateMetricTarget(target, p.child('target'), errs);
  if (type === 'Resource' || type === 'ContainerResource') {
    if (!str(src, 'name')) errs.push(required(p.child('name'), 'must specify a resource name'));
    if (type === 'ContainerResource' && !str(src, 'container')) errs.push(required(p.child('container'), 'must specify a container'));
    if (!has(target, 'averageUtilization') && !has(target, 'averageValue')) {
      errs.push(required(p.child('target', 'averageUtilization'), 'must set either a target raw value or a target utilization'));
    }
    if (has(target, 'averageUtilization') && has(target, 'averageValue')) {
      errs.push(forbidden(p.child('target', 'averageValue'), 'may not set both a target raw value and a target utilization'));
    }
  } else if (!str(obj(src, 'metric'), 'name')) {
    errs.push(required(p.child('metric', 'name'), 'must specify a metric name'));
  }
}
