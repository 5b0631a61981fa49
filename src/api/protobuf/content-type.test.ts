import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProtobufContentType } from './index.js';

test('protobuf content types, with parameters and any case', () => {
  assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf'), true);
  assert.equal(isProtobufContentType('Application/VND.Kubernetes.Protobuf; charset=binary'), true);
  assert.equal(isProtobufContentType(' application/vnd.kubernetes.protobuf;stream=watch'), true);
  assert.equal(isProtobufContentType('application/json'), false);
  assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf+json'), false);
  assert.equal(isProtobufContentType(''), false);
});
