import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isRelaxedEnvVarName, isWildcardDNS1123Subdomain, isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isIPv4, isIPv6, isLabelValue,
  isPathSegmentName, isQualifiedName, isValidCIDR, isValidPortName, nameIsDNSSubdomain,
} from './names.js';

test('DNS-1123 subdomain message is the one Kubernetes prints', () => {
  assert.deepEqual(isDNS1123Subdomain('Foo_bar'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.deepEqual(isDNS1123Subdomain('a.b-c'), []);
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
});

test('DNS labels', () => {
  assert.deepEqual(isDNS1123Label('my-name'), []);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.match(isDNS1123Label('A_b')[0], /^a lowercase RFC 1123 label must consist of/);
  assert.deepEqual(isDNS1035Label('1abc'), [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
});

test('qualified names and label values', () => {
  assert.deepEqual(isQualifiedName('app.kubernetes.io/name'), []);
  assert.deepEqual(isQualifiedName('/x'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('a/b/c').length, 1);
  assert.match(isQualifiedName('-x')[0], /^name part must consist of alphanumeric characters/);
  assert.deepEqual(isLabelValue(''), []);
  assert.deepEqual(isLabelValue('a'.repeat(64))[0], 'must be no more than 63 characters');
});

test('port names, env names, config keys, path segments', () => {
  assert.deepEqual(isValidPortName('http'), []);
  assert.deepEqual(isValidPortName('123'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(isValidPortName('a--b'), ['must contain consecutive hyphens'.replace('must', 'must not')]);
  assert.deepEqual(isEnvVarName('1X').length, 1);
  assert.deepEqual(isEnvVarName('..'), ["must not be '..'"]);
  assert.deepEqual(isConfigMapKey('a b'), ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]);
  assert.deepEqual(isPathSegmentName('a/b'), ["may not contain '/'"]);
  assert.deepEqual(isPathSegmentName('..'), ["may not be '..'"]);
});

test('IP addresses and CIDRs', () => {
  assert.ok(isIPv4('10.43.0.10'));
  assert.ok(!isIPv4('10.43.0.256'));
  assert.ok(!isIPv4('010.1.1.1'));
  assert.ok(isIPv6('::1'));
  assert.ok(isIPv6('fd00::1:2'));
  assert.ok(isIPv6('::ffff:10.0.0.1'));
  assert.ok(!isIPv6('1::2::3'));
  assert.ok(isValidCIDR('10.42.0.0/16'));
  assert.ok(!isValidCIDR('10.42.0.0/33'));
});

test('wildcard subdomains', () => {
  assert.deepEqual(isWildcardDNS1123Subdomain('*.example.com'), []);
  assert.deepEqual(isWildcardDNS1123Subdomain('a.*.com'), [
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
});

test('relaxed environment variable names (the 1.32 default)', () => {
  assert.deepEqual(isRelaxedEnvVarName('1 weird-Name.x'), []);
  assert.deepEqual(isRelaxedEnvVarName('A=B'), ["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
  assert.deepEqual(isRelaxedEnvVarName('é'), ["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
});
