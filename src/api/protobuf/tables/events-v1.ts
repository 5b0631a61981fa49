// Wire table of events/v1 (proto package k8s.io.api.events.v1) at v0.36.3, written by ../tools/gen-tables.mjs.
// Notation in ../table.ts: json=number:type, fields in Go struct order.
import type { PackageSource } from '../table.js';

export const eventsV1: PackageSource = {
  key: 'events/v1',
  messages: {
    Event: `metadata=1:meta/v1.ObjectMeta! eventTime=2:microtime! series=3:EventSeries? reportingController=4:string
    reportingInstance=5:string action=6:string reason=7:string regarding=8:core/v1.ObjectReference
    related=9:core/v1.ObjectReference? note=10:string type=11:string deprecatedSource=12:core/v1.EventSource
    deprecatedFirstTimestamp=13:time deprecatedLastTimestamp=14:time deprecatedCount=15:int32`,
    EventList: `metadata=1:meta/v1.ListMeta items=2:[]Event!`,
    EventSeries: `count=1:int32! lastObservedTime=2:microtime!`,
  },
};
