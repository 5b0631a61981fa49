// Conversion between the served versions of one kind, over src/api/conversion.

import { convertObject } from '../../api/conversion/index.js';
import type { KObject } from '../kobject.js';
import type { Converter } from '../seams.js';

export const builtinConverter: Converter = {
  convert(_r, obj, toApiVersion) {
    return convertObject(obj, toApiVersion) as KObject;
  },
};
