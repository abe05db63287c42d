import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev, EVENT_NAMES, eventId, eventName } from '../../src/packet/events.js';

test('event ids start at 1, are contiguous and unique', () => {
  const ids = Object.values(Ev).sort((a, b) => a - b);
  assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => i + 1));
  assert.equal(EVENT_NAMES.length, ids.length + 1);
  assert.equal(EVENT_NAMES[0], '');
});

test('every name follows decoder.<layer>.<problem> and matches its key', () => {
  for (const [key, id] of Object.entries(Ev)) {
    const name = EVENT_NAMES[id];
    assert.match(name, /^decoder\.[a-z0-9]+\.[a-z0-9_]+$/);
    assert.equal(name.slice('decoder.'.length).replace('.', '_').toUpperCase(), key);
  }
  assert.equal(new Set(EVENT_NAMES).size, EVENT_NAMES.length);
});

test('eventName and eventId round-trip; unknown values are handled', () => {
  assert.equal(eventName(Ev.IPV4_TRUNCATED), 'decoder.ipv4.truncated');
  assert.equal(eventName(Ev.VXLAN_BAD_FLAGS), 'decoder.vxlan.bad_flags');
  assert.equal(eventName(Ev.TUNNEL_TOO_DEEP), 'decoder.tunnel.too_deep');
  assert.equal(eventName(Ev.LINK_UNSUPPORTED), 'decoder.link.unsupported');
  for (let id = 1; id < EVENT_NAMES.length; id++) assert.equal(eventId(eventName(id)), id);
  assert.equal(eventName(0), 'decoder.unknown.0');
  assert.equal(eventName(9999), 'decoder.unknown.9999');
  assert.equal(eventId('decoder.nope.nope'), 0);
});
