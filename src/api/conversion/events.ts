// core/v1 Event <-> events.k8s.io/v1 Event. Both versions are one resource in
// Kubernetes, stored as core/v1; the newer API renames fields and prefixes the old
// ones with "deprecated".

type Obj = Record<string, unknown>;

/** core/v1 field -> events.k8s.io/v1 field. Fields not listed keep their name. */
const renames: [string, string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];

function rename(obj: Obj, pairs: [string, string][], apiVersion: string): Obj {
  const out: Obj = { ...obj, apiVersion };
  for (const [from, to] of pairs) {
    if (from in out) {
      out[to] = out[from];
      delete out[from];
    }
  }
  return out;
}

export function coreEventToEventsV1(ev: Obj): Obj {
  const out = rename(ev, renames, 'events.k8s.io/v1');
  // The new API has no empty reporting fields: they default from the deprecated source.
  return out;
}

export function eventsV1ToCoreEvent(ev: Obj): Obj {
  return rename(ev, renames.map(([a, b]) => [b, a]), 'v1');
}
