import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ignoredFieldsFor } from './reset-fields.js';

test('main resources with a status subresource ignore status; /status ignores spec', () => {
  assert.deepEqual(ignoredFieldsFor({ hasStatusSubresource: true })?.paths(), [['f:status']]);
  assert.deepEqual(ignoredFieldsFor({ hasStatusSubresource: true, subresource: 'status' })?.paths(), [['f:spec']]);
  assert.equal(ignoredFieldsFor({ hasStatusSubresource: false }), undefined);
  assert.equal(ignoredFieldsFor({ hasStatusSubresource: true, subresource: 'scale' }), undefined);
});
