// Cross-check against a real client: @kubernetes/client-node carries, for every
// Kubernetes type, the list of its fields (generated from Kubernetes' own OpenAPI).
// Every field it knows must be in our schema, or unknown-field detection would reject
// what real clients send; a list field must be a list for us too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { builtinSchemas } from './index.js';

interface Attribute {
  baseName: string;
  type: string;
}
interface Model {
  getAttributeTypeMap(): Attribute[];
}

const models = k8s as unknown as Record<string, Model | undefined>;

/** Our definition name -> the client's class names for it (plain, or group-qualified when names clash). */
function modelFor(name: string): Model | undefined {
  const m = /^io\.k8s\.(?:api\.(\w+)|apimachinery\.pkg\.apis\.(meta)|apiextensions-apiserver\.pkg\.apis\.(apiextensions))\.(v\w+)\.(\w+)$/.exec(name);
  if (!m) return undefined;
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  const [group, version, type] = [m[1] ?? m[2] ?? m[3], cap(m[4]), m[5]];
  for (const candidate of [`${version}${type}`, `${cap(group)}${version}${type}`]) {
    const model = models[candidate];
    if (typeof model?.getAttributeTypeMap === 'function') return model;
  }
  return undefined;
}

test('every field @kubernetes/client-node knows is in our schemas, lists as lists', () => {
  let compared = 0;
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(builtinSchemas.definitions)) {
    const model = modelFor(name);
    if (!model) continue;
    compared++;
    for (const attr of model.getAttributeTypeMap()) {
      const prop = schema.properties?.[attr.baseName];
      if (!prop) problems.push(`${name}.${attr.baseName} missing`);
      else if (attr.type.startsWith('Array<') !== (prop.type === 'array')) problems.push(`${name}.${attr.baseName}: client has ${attr.type}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(compared > 300, `compared ${compared} definitions`);
});
