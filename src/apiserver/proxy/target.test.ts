import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { chooseContainer, kubeletPodPath, parseNodeProxyPath, requireBoundPod, type PodLike } from './target.js';

const pod = (containers: string[], extra: Partial<PodLike['spec']> = {}, annotations?: Record<string, string>): PodLike => ({
  metadata: { name: 'web', namespace: 'default', annotations }, spec: { nodeName: 'n1', containers: containers.map((name) => ({ name })), ...extra },
});

test('proxy paths', () => {
  assert.deepEqual(parseNodeProxyPath('/api/v1/namespaces/default/pods/web/log'), { kind: 'pod', namespace: 'default', name: 'web', subresource: 'log' });
  assert.deepEqual(parseNodeProxyPath('/api/v1/namespaces/default/pods/web/exec'), { kind: 'pod', namespace: 'default', name: 'web', subresource: 'exec' });
  assert.deepEqual(parseNodeProxyPath('/api/v1/namespaces/ns/pods/web/portforward'), { kind: 'pod', namespace: 'ns', name: 'web', subresource: 'portforward' });
  assert.deepEqual(parseNodeProxyPath('/api/v1/nodes/n1/proxy/stats/summary'), { kind: 'node', name: 'n1', rest: '/stats/summary' });
  assert.deepEqual(parseNodeProxyPath('/api/v1/nodes/n1/proxy'), { kind: 'node', name: 'n1', rest: '/' });
  assert.deepEqual(parseNodeProxyPath('/api/v1/nodes/n1/proxy/'), { kind: 'node', name: 'n1', rest: '/' });
  assert.equal(parseNodeProxyPath('/api/v1/namespaces/default/pods/web/status'), undefined);
  assert.equal(parseNodeProxyPath('/api/v1/namespaces/default/pods/web'), undefined);
  assert.equal(parseNodeProxyPath('/apis/apps/v1/namespaces/default/deployments/x/log'), undefined);
});

test('the container: named, only, annotated, or a 400 listing the choices', () => {
  assert.equal(chooseContainer(pod(['a']), null), 'a');
  assert.equal(chooseContainer(pod(['a', 'b']), 'b'), 'b');
  assert.equal(chooseContainer(pod(['a', 'b'], {}, { 'kubectl.kubernetes.io/default-container': 'b' }), null), 'b');
  assert.equal(chooseContainer(pod(['a', 'b'], { initContainers: [{ name: 'i' }] }), 'i'), 'i');
  assert.throws(() => chooseContainer(pod(['a', 'b']), null), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'a container name must be specified for pod web, choose one of: [a b]');
  assert.throws(() => chooseContainer(pod(['a', 'b'], { initContainers: [{ name: 'i' }] }), null), /choose one of: \[a b\] or one of the init containers: \[i\]/);
  assert.throws(() => chooseContainer(pod(['a']), 'z'), /container z is not valid for pod web/);
  assert.throws(() => requireBoundPod({ metadata: { name: 'p' }, spec: {} }), /pod p does not have a host assigned/);
});

test('kubelet paths and their query', () => {
  const q = (s: string) => new URLSearchParams(s);
  assert.equal(kubeletPodPath({ kind: 'pod', namespace: 'default', name: 'web', subresource: 'log' }, pod(['a']), q('follow=true&tailLines=5&pretty=true')), '/containerLogs/default/web/a?follow=true&tailLines=5');
  assert.equal(kubeletPodPath({ kind: 'pod', namespace: 'default', name: 'web', subresource: 'exec' }, pod(['a', 'b']), q('container=b&command=sh&command=-c&command=echo+hi&stdin=true&stdout=true&stderr=true&tty=true')),
    '/exec/default/web/b?command=sh&command=-c&command=echo+hi&input=1&output=1&error=1&tty=1');
  assert.equal(kubeletPodPath({ kind: 'pod', namespace: 'default', name: 'web', subresource: 'attach' }, pod(['a']), q('stdout=true')), '/attach/default/web/a?output=1');
  assert.equal(kubeletPodPath({ kind: 'pod', namespace: 'default', name: 'web', subresource: 'portforward' }, pod(['a']), q('ports=80')), '/portForward/default/web?port=80');
});
