// The API server's built-in seams: the real selectors, patches, schemas and printers
// of the built-in kinds, assembled for cli/ to hand to the server.

import { builtinSchemas } from '../../api/schema/index.js';
import type { ApiSeams } from '../seams.js';
import { tableColumns, tableRow, tableRowConditions } from '../tables/index.js';
import { builtinFields } from './fields.js';
import { builtinConverter } from './converter.js';
import { builtinFieldChecker } from './field-checker.js';
import { builtinPatcher } from './patcher.js';
import { builtinSelectors } from './selectors.js';

export function builtinSeams(): ApiSeams {
  const patcher = builtinPatcher(builtinSchemas);
  return {
    selectors: builtinSelectors,
    tables: { columns: tableColumns, row: (r, obj, now) => tableRow(r, obj, now), rowConditions: (r, obj) => tableRowConditions(r, obj) },
    patcher,
    fields: builtinFields(builtinSchemas),
    checker: builtinFieldChecker(builtinSchemas),
    converter: builtinConverter,
  };
}
