import test from 'node:test';
import assert from 'node:assert/strict';
import { normalizeHost, parseHostPattern } from '../../../src/classify/catalog/host-pattern.js';

function ok(text: string) {
  const r = parseHostPattern(text);
  assert.ok(r.ok, `expected '${text}' to parse: ${r.ok ? '' : r.problem}`);
  return r.pattern;
}

function bad(text: string, part: string): void {
  const r = parseHostPattern(text);
  assert.equal(r.ok, false, `expected '${text}' to be rejected`);
  if (!r.ok) assert.ok(r.problem.includes(part), `problem for '${text}' was: ${r.problem}`);
}

test('patterns normalize to lower case without a trailing dot', () => {
  const p = ok(' Example.COM. ');
  assert.equal(p.text, 'example.com');
  assert.deepEqual(p.reversed, ['com', 'example']);
  assert.equal(p.leadingMany, false);
  assert.equal(p.trailingMany, false);
  assert.equal(p.literals, 2);
});

test('leading, inner and trailing wildcards are told apart', () => {
  const lead = ok('*.iot.*.amazonaws.com');
  assert.equal(lead.leadingMany, true);
  assert.deepEqual(lead.reversed, ['com', 'amazonaws', '*', 'iot']);
  assert.equal(lead.literals, 3);
  const trail = ok('doh.*');
  assert.equal(trail.trailingMany, true);
  assert.deepEqual(trail.reversed, ['doh']);
  const inner = ok('ftp.*.debian.org');
  assert.equal(inner.leadingMany, false);
  assert.deepEqual(inner.reversed, ['org', 'debian', '*', 'ftp']);
});

test('invalid patterns are rejected with a reason', () => {
  bad('', 'empty');
  bad('*', 'literal');
  bad('*.*', 'literal');
  bad('a..b.com', 'empty label');
  bad('.example.com', 'empty label');
  bad('a*.example.com', 'whole label');
  bad('exa mple.com', 'not a valid label');
  bad('-bad.example.com', 'not a valid label');
  bad(`${'a'.repeat(64)}.com`, 'not a valid label');
  bad(`${'a.'.repeat(130)}com`, 'longer than 253');
});

test('host names are normalized for lookup', () => {
  assert.equal(normalizeHost('WWW.Example.COM.'), 'www.example.com');
  assert.equal(normalizeHost('example.com:8443'), 'example.com');
  assert.equal(normalizeHost('[2001:db8::1]:443'), '');
  assert.equal(normalizeHost('2001:db8::1'), '');
  assert.equal(normalizeHost(''), '');
});
