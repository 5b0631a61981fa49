// Where controllers record Events (EventRecorder has this shape). Objects from list
// responses may lack apiVersion and kind; an Event's involvedObject needs both for
// `kubectl describe` to find it, so kindedEvents fills them in.

import type { KObject } from '../../client/types.js';

export interface EventSink {
  event(about: KObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

export function kindedEvents(sink: EventSink, apiVersion: string, kind: string): EventSink {
  return {
    event: (about: KObject, type, reason, message) => sink.event({ ...about, apiVersion: about.apiVersion ?? apiVersion, kind: about.kind ?? kind }, type, reason, message),
  };
}
