import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from './index.js';

test('HPA v1 and v2 round-trip, keeping what v1 cannot say in annotations', () => {
  const v2 = {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
      ],
    },
    status: { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 80 } } }] },
  };
  const v1 = convertObject(v2, 'autoscaling/v1') as { spec: Record<string, unknown>; status: Record<string, unknown>; metadata: { annotations: Record<string, string> } };
  assert.equal(v1.spec.targetCPUUtilizationPercentage, 60);
  assert.equal(v1.status.currentCPUUtilizationPercentage, 80);
  assert.ok(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics'].includes('memory'));
  assert.deepEqual(convertObject(v1, 'autoscaling/v2'), v2);
});

test('core and events.k8s.io Events rename their fields both ways', () => {
  const core = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p' }, message: 'hi', reason: 'Started', count: 2 };
  const ev = convertObject(core, 'events.k8s.io/v1');
  assert.deepEqual(ev, { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e' }, regarding: { kind: 'Pod', name: 'p' }, note: 'hi', reason: 'Started', deprecatedCount: 2 });
  assert.deepEqual(convertObject(ev, 'v1'), core);
});
