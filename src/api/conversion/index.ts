// Conversion between the served versions of one kind.

import { coreEventToEventsV1, eventsV1ToCoreEvent } from './events.js';
import { hpaV1ToV2, hpaV2ToV1 } from './hpa.js';

type Obj = Record<string, unknown>;

export class ConversionError extends Error {
  readonly code = 'CONVERSION_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'ConversionError';
  }
}

const converters: Record<string, (o: Obj) => Obj> = {
  'v1/Event->events.k8s.io/v1': coreEventToEventsV1,
  'events.k8s.io/v1/Event->v1': eventsV1ToCoreEvent,
  'autoscaling/v2/HorizontalPodAutoscaler->autoscaling/v1': hpaV2ToV1,
  'autoscaling/v1/HorizontalPodAutoscaler->autoscaling/v2': hpaV1ToV2,
};

/** Converts obj to apiVersion; kinds whose versions share their fields only change apiVersion. */
export function convertObject(obj: Obj, toApiVersion: string): Obj {
  if (obj.apiVersion === toApiVersion) return obj;
  const f = converters[`${String(obj.apiVersion)}/${String(obj.kind)}->${toApiVersion}`];
  return f ? f(obj) : { ...obj, apiVersion: toApiVersion };
}
