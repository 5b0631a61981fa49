import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedulerConfig, SchedulerConfigError } from './config.js';
import { PriorityClassNotFoundError, resolvePriority } from './priority.js';

test('parseSchedulerConfig reads NodeResourcesFit scoringStrategy', () => {
  const c = parseSchedulerConfig(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources:
        - name: cpu
          weight: 2
`);
  assert.equal(c.schedulerName, 'default-scheduler');
  assert.equal(c.nodeResourcesFit?.scoringStrategy?.type, 'MostAllocated');
  assert.deepEqual(c.nodeResourcesFit?.scoringStrategy?.resources, [{ name: 'cpu', weight: 2 }]);
  assert.deepEqual(parseSchedulerConfig('kind: KubeSchedulerConfiguration\n'), {});
});

test('parseSchedulerConfig rejects other kinds and unknown strategies', () => {
  assert.throws(() => parseSchedulerConfig('kind: Pod\n'), SchedulerConfigError);
  assert.throws(() => parseSchedulerConfig('profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: Random\n'), /Random/);
  assert.throws(() => parseSchedulerConfig(': : :\n  - ['), SchedulerConfigError);
});

test('resolvePriority: named class, system classes, global default, unknown name', () => {
  const classes = [
    { metadata: { name: 'high' }, value: 1000 },
    { metadata: { name: 'default' }, value: 5, globalDefault: true, preemptionPolicy: 'Never' as const },
  ];
  assert.equal(resolvePriority({ priorityClassName: 'high' }, classes).priority, 1000);
  assert.equal(resolvePriority({ priorityClassName: 'system-node-critical' }, classes).priority, 2_000_001_000);
  assert.deepEqual(resolvePriority({}, classes), { priority: 5, priorityClassName: 'default', preemptionPolicy: 'Never' });
  assert.equal(resolvePriority({}, []).priority, 0);
  assert.throws(() => resolvePriority({ priorityClassName: 'nope' }, classes), PriorityClassNotFoundError);
});
