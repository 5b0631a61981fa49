import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldSelector, escapeValue } from './field-selector.js';
import { fieldMatcher, selectableFields, validateFieldSelector } from './selectable-fields.js';
import { SelectorParseError, UnsupportedFieldError } from './errors.js';

const pod = {
  metadata: { name: 'p1', namespace: 'default' },
  spec: { nodeName: 'node-a', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
  status: { phase: 'Running', podIP: '10.42.0.5', podIPs: [{ ip: '10.42.0.5' }] },
};

test('parses =, == and != terms and matches pods', () => {
  const sel = parseFieldSelector('metadata.name=p1,spec.nodeName!=node-b,status.phase==Running');
  assert.deepEqual(sel.requirements.map((r) => `${r.field}${r.operator}${r.value}`), ['metadata.name=p1', 'spec.nodeName!=node-b', 'status.phase=Running']);
  const match = fieldMatcher('', 'Pod', sel);
  assert.equal(match(pod), true);
  assert.equal(match({ ...pod, status: { phase: 'Pending' } }), false);
  assert.equal(match({ ...pod, spec: { nodeName: 'node-b' } }), false);
});

test('absent fields read as empty: scheduler-style unscheduled pod query', () => {
  const match = fieldMatcher('', 'Pod', parseFieldSelector('spec.nodeName=,status.phase!=Succeeded'));
  assert.equal(match({ metadata: { name: 'x' }, spec: {}, status: { phase: 'Pending' } }), true);
  assert.equal(match(pod), false);
  assert.equal(parseFieldSelector('spec.nodeName=node-a').requiresExactMatch('spec.nodeName'), 'node-a');
});

test('selectable fields per kind', () => {
  assert.deepEqual(selectableFields('', 'Pod', pod), {
    'metadata.name': 'p1',
    'metadata.namespace': 'default',
    'spec.nodeName': 'node-a',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'default',
    'spec.hostNetwork': 'false',
    'status.phase': 'Running',
    'status.podIP': '10.42.0.5',
    'status.nominatedNodeName': '',
  });
  const ev = { metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p1', uid: 'u' }, reason: 'Started', source: { component: 'kubelet' }, type: 'Normal' };
  assert.equal(fieldMatcher('', 'Event', parseFieldSelector('involvedObject.kind=Pod,involvedObject.name=p1,source=kubelet,type=Normal'))(ev), true);
  assert.equal(fieldMatcher('', 'Secret', parseFieldSelector('type=kubernetes.io/tls'))({ type: 'kubernetes.io/tls' }), true);
  assert.equal(fieldMatcher('', 'Node', parseFieldSelector('spec.unschedulable=false'))({ spec: {} }), true);
  assert.equal(fieldMatcher('', 'Node', parseFieldSelector('spec.unschedulable=true'))({ spec: { unschedulable: true } }), true);
  assert.equal(fieldMatcher('', 'Namespace', parseFieldSelector('status.phase=Active'))({ status: { phase: 'Active' } }), true);
  assert.equal(fieldMatcher('apps', 'ReplicaSet', parseFieldSelector('status.replicas=0'))({ status: {} }), true);
  assert.equal(fieldMatcher('batch', 'Job', parseFieldSelector('status.successful=2'))({ status: { succeeded: 2 } }), true);
  assert.equal(fieldMatcher('', 'ConfigMap', parseFieldSelector('metadata.namespace=kube-system'))({ metadata: { namespace: 'kube-system' } }), true);
});

test('unsupported fields are rejected with kube wording', () => {
  assert.throws(() => validateFieldSelector('', 'ConfigMap', parseFieldSelector('spec.nodeName=x')), (e: unknown) => {
    assert.ok(e instanceof UnsupportedFieldError);
    assert.equal(e.message, 'field label not supported: spec.nodeName');
    return true;
  });
  assert.throws(() => fieldMatcher('apps', 'Deployment', parseFieldSelector('status.phase=x')), /field label not supported: status.phase/);
});

test('escaped values and syntax errors', () => {
  const sel = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d');
  assert.equal(sel.requirements[0].value, 'a,b=c\\d');
  assert.equal(escapeValue('a,b=c\\d'), 'a\\,b\\=c\\\\d');
  assert.equal(parseFieldSelector(sel.toString()).requirements[0].value, 'a,b=c\\d');
  assert.equal(parseFieldSelector('').empty(), true);
  assert.throws(() => parseFieldSelector('metadata.name'), (e: unknown) => e instanceof SelectorParseError && /can't understand 'metadata.name'/.test(e.message));
  assert.throws(() => parseFieldSelector('a=b=c'), /unescaped character in value: =/);
  assert.throws(() => parseFieldSelector('a=b\\x'), /invalid escape sequence/);
});
