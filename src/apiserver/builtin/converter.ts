// Conversion between the served versions of one kind. Most kinds have one version;
// the shared-storage pairs (autoscaling v1/v2, core and events.k8s.io Events) need
// field mapping, which follows with their controllers. Until then only apiVersion is
// rewritten, which is exact for kinds whose versions have the same fields.

import type { Converter } from '../seams.js';

export const builtinConverter: Converter = {
  convert(_r, obj, toApiVersion) {
    return { ...obj, apiVersion: toApiVersion };
  },
};
