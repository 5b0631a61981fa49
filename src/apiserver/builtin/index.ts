// The API server's built-in seams: the real selectors, patches, schemas and printers
// of the built-in kinds, assembled for cli/ to hand to the server.

import { builtinSchemas } from '../../api/schema/index.js';
import type { ApiSeams, Tables } from '../seams.js';
import { builtinFields } from './fields.js';
import { builtinConverter } from './converter.js';
import { builtinFieldChecker } from './field-checker.js';
import { builtinPatcher } from './patcher.js';
import { builtinSelectors } from './selectors.js';

const ageTable: Tables = {
  columns: () => [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the object', priority: 0 },
    { name: 'Age', type: 'string', format: '', description: 'Time since creation', priority: 0 },
  ],
  row: (_r, obj, now) => [obj.metadata.name, age(obj.metadata.creationTimestamp, now)],
};

function age(ts: string | undefined, now: Date): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(ts)) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
}

export function builtinSeams(): ApiSeams {
  const patcher = builtinPatcher(builtinSchemas);
  return {
    selectors: builtinSelectors,
    tables: ageTable,
    patcher,
    fields: builtinFields(builtinSchemas),
    checker: builtinFieldChecker(builtinSchemas),
    converter: builtinConverter,
  };
}
