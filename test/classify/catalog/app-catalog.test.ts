import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { AppCatalog, APP_CATEGORIES, parseHostPattern, builtinCatalogPath } from '../../../src/classify/catalog/index.js';
import type { CustomAppDef } from '../../../src/control/config/index.js';
import { parseAddress } from '../../../src/control/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';

const YAML = `applications:
  - { name: exact, category: web, hosts: [api.example.com] }
  - { name: deep, category: cloud, hosts: ["*.example.com"] }
  - { name: aws-iot, category: iot-cloud, hosts: ["*.iot.*.amazonaws.com", "iot.*.amazonaws.com"] }
  - { name: aws, category: cloud, hosts: [amazonaws.com, "*.amazonaws.com"] }
  - { name: doh, category: dns-encrypted, hosts: ["doh.*"] }
  - { name: one-label, category: web, hosts: ["a.*.b.test"] }
  - { name: wide, category: cloud, cidrs: [10.0.0.0/8, "2001:db8::/32"] }
  - { name: narrow, category: cloud, cidrs: [10.1.2.0/24, 10.1.2.128/25, "2001:db8:1::/48"] }
  - { name: single, category: dns, cidrs: [192.0.2.7/32, "2001:db8:1::1/128"] }
  - { name: dot, category: dns-encrypted, ports: [{ proto: tcp, port: 853 }] }
`;

const cat = AppCatalog.fromYaml(YAML, 'test.yaml');
const app = (host: string) => cat.byHost(host)?.app ?? null;

function addr(text: string): { b: Uint8Array; v: 4 | 6 } {
  const b = parseAddress(text) as Uint8Array;
  return { b, v: b.length === 4 ? 4 : 6 };
}
function byAddr(c: AppCatalog, text: string): string | null {
  const a = addr(text);
  // at an offset inside a bigger buffer, as in a packet
  const buf = new Uint8Array(40);
  buf.set(a.b, 7);
  return c.byAddress(buf, 7, a.v)?.app ?? null;
}

test('exact patterns match only that name', () => {
  assert.equal(app('api.example.com'), 'exact');
  assert.equal(app('example.com'), null);
});

test('*.suffix matches any depth of subdomain, but not the suffix itself', () => {
  assert.equal(app('www.example.com'), 'deep');
  assert.equal(app('a.b.c.d.example.com'), 'deep');
  assert.equal(app('x.api.example.com'), 'deep');
});

test('no false suffix matches', () => {
  assert.equal(app('evilamazonaws.com'), null);
  assert.equal(app('amazonaws.com.evil.net'), null);
  assert.equal(app('notexample.com'), null);
  assert.equal(app('iot.us-east-1.amazonaws.co'), null);
});

test('an inner * is exactly one label; a trailing * one or more', () => {
  assert.equal(app('a1b2-ats.iot.us-east-1.amazonaws.com'), 'aws-iot');
  assert.equal(app('x.y.iot.eu-west-1.amazonaws.com'), 'aws-iot');
  assert.equal(app('iot.eu-west-1.amazonaws.com'), 'aws-iot');
  assert.equal(app('iot.a.b.amazonaws.com'), 'aws'); // inner * does not span two labels
  assert.equal(app('a.x.b.test'), 'one-label');
  assert.equal(app('a.b.test'), null);
  assert.equal(app('a.x.y.b.test'), null);
  assert.equal(app('doh.opendns.com'), 'doh');
  assert.equal(app('doh.a.b.c'), 'doh');
  assert.equal(app('doh'), null);
  assert.equal(app('x.doh.example.org'), null);
});

test('the most specific pattern wins', () => {
  assert.equal(app('s3.amazonaws.com'), 'aws');
  assert.equal(app('amazonaws.com'), 'aws');
  assert.equal(app('api.example.com'), 'exact'); // exact beats *.example.com
});

test('lookups ignore case, a trailing dot and a :port', () => {
  assert.equal(app('API.Example.COM'), 'exact');
  assert.equal(app('api.example.com.'), 'exact');
  assert.equal(app('api.example.com:8443'), 'exact');
  assert.equal(app(''), null);
  assert.equal(app('.'), null);
  assert.equal(app('[2001:db8::1]:443'), null);
});

test('hits carry category, source and how they matched; they are shared objects', () => {
  const h = cat.byHost('www.example.com');
  assert.deepEqual(h, { app: 'deep', category: 'cloud', source: 'builtin', by: 'host' });
  assert.equal(cat.byHost('x.example.com'), h);
  assert.ok(Object.isFrozen(h));
});

test('CIDRs: the longest prefix wins, IPv4 edges', () => {
  assert.equal(byAddr(cat, '10.0.0.0'), 'wide');
  assert.equal(byAddr(cat, '10.255.255.255'), 'wide');
  assert.equal(byAddr(cat, '9.255.255.255'), null);
  assert.equal(byAddr(cat, '11.0.0.0'), null);
  assert.equal(byAddr(cat, '10.1.2.0'), 'narrow');
  assert.equal(byAddr(cat, '10.1.2.255'), 'narrow');
  assert.equal(byAddr(cat, '10.1.3.0'), 'wide');
  assert.equal(byAddr(cat, '10.1.1.255'), 'wide');
  assert.equal(byAddr(cat, '192.0.2.7'), 'single');
  assert.equal(byAddr(cat, '192.0.2.6'), null);
  assert.equal(byAddr(cat, '192.0.2.8'), null);
  assert.equal(cat.byAddress(new Uint8Array([10, 0, 0, 1]), 0, 4)?.by, 'ip');
});

test('CIDRs: IPv6 edges, and versions kept apart', () => {
  assert.equal(byAddr(cat, '2001:db8::'), 'wide');
  assert.equal(byAddr(cat, '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), 'wide');
  assert.equal(byAddr(cat, '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff'), null);
  assert.equal(byAddr(cat, '2001:db9::'), null);
  assert.equal(byAddr(cat, '2001:db8:1::2'), 'narrow');
  assert.equal(byAddr(cat, '2001:db8:1::1'), 'single');
  assert.equal(byAddr(cat, '2001:db8:2::1'), 'wide');
  // the first 4 bytes of 2001:db8:: read as IPv4 are 32.1.13.184: not in any v4 range
  assert.equal(cat.byAddress(addr('2001:db8::').b, 0, 4), null);
});

test('ports', () => {
  assert.equal(cat.byPort('tcp', 853)?.app, 'dot');
  assert.equal(cat.byPort('udp', 853), null);
  assert.equal(cat.byPort('tcp', 443), null);
  assert.equal(cat.byPort('tcp', 853)?.by, 'port');
});

const custom = (d: Partial<CustomAppDef> & { name: string }): CustomAppDef => ({ category: 'custom', hosts: [], ips: [], cidrs: [], ports: [], ...d });

test('custom definitions win over built-in ones', () => {
  const c = cat.withCustom([
    custom({ name: 'my-backend', hosts: ['*.amazonaws.com'] }),
    custom({ name: 'my-dns', category: 'dns', ips: ['192.0.2.7', '2001:db8:1::1'] }),
    custom({ name: 'my-net', cidrs: ['10.0.0.0/8'] }),
    custom({ name: 'my-tls', ports: [{ proto: 'tcp', port: 853 }, { proto: 'udp', port: 9000 }] }),
  ]);
  // custom is searched first, even when a built-in pattern is more specific
  assert.deepEqual(c.byHost('x.iot.us-east-1.amazonaws.com'), { app: 'my-backend', category: 'custom', source: 'custom', by: 'host' });
  assert.equal(c.byHost('api.example.com')?.app, 'exact');
  assert.equal(c.byHost('api.example.com')?.source, 'builtin');
  assert.equal(byAddr(c, '192.0.2.7'), 'my-dns');
  assert.equal(byAddr(c, '2001:db8:1::1'), 'my-dns');
  assert.equal(byAddr(c, '10.1.2.3'), 'my-net'); // custom /8 beats built-in /24
  assert.equal(byAddr(c, '2001:db8:1::2'), 'narrow');
  assert.equal(c.byPort('tcp', 853)?.app, 'my-tls');
  assert.equal(c.byPort('udp', 9000)?.source, 'custom');
  // the original catalog is unchanged
  assert.equal(cat.byPort('tcp', 853)?.app, 'dot');
  assert.deepEqual(c.entries().slice(0, 4).map((e) => [e.name, e.source]), [
    ['my-backend', 'custom'], ['my-dns', 'custom'], ['my-net', 'custom'], ['my-tls', 'custom'],
  ]);
  // replacing custom definitions drops the old ones
  assert.equal(c.withCustom([]).byPort('tcp', 853)?.app, 'dot');
});

function configErr(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    assert.equal(e.code, 'FG_ERR_CONFIG');
    return e;
  }
  assert.fail('accepted');
}

test('bad custom definitions are refused with the path of the problem', () => {
  let e = configErr(() => cat.withCustom([custom({ name: 'a', hosts: ['ok.example.com'] }), custom({ name: 'b', cidrs: ['10.0.0.1/8'] })]));
  assert.equal(e.path, 'applications[1].cidrs[0]');
  assert.match(e.problem, /host bits set; did you mean 10\.0\.0\.0\/8/);
  e = configErr(() => cat.withCustom([custom({ name: 'a', hosts: ['a*.example.com'] })]));
  assert.equal(e.path, 'applications[0].hosts[0]');
  e = configErr(() => cat.withCustom([custom({ name: 'a', hosts: ['x.test'] }), custom({ name: 'A', hosts: ['y.test'] })]));
  assert.equal(e.path, 'applications[1].name');
  e = configErr(() => cat.withCustom([custom({ name: 'empty' })]));
  assert.equal(e.path, 'applications[0]');
  assert.match(e.problem, /at least one of hosts/);
});

test('a bad data file is refused with an error naming the entry', () => {
  let e = configErr(() => AppCatalog.fromYaml('applications:\n  - { name: ok, category: web, hosts: [a.test] }\n  - { name: broken, category: web, hosts: ["iot.*.amazonaws.*", "a*b.test"] }\n', 'apps.yaml'));
  assert.equal(e.path, 'applications[1].hosts[1]');
  assert.match(e.message, /^apps\.yaml: applications\[1\]\.hosts\[1\]: in 'broken': /);
  e = configErr(() => AppCatalog.fromYaml('applications:\n  - { name: a, category: nope, hosts: [a.test] }\n'));
  assert.equal(e.path, 'applications[0].category');
  assert.match(e.problem, /must be one of: iot-cloud/);
  e = configErr(() => AppCatalog.fromYaml('applications:\n  - { name: a, hosts: [a.test] }\n'));
  assert.equal(e.path, 'applications[0].category');
  e = configErr(() => AppCatalog.fromYaml('applications:\n  - { name: a, category: web, hosts: [a.test] }\n  - { name: b, category: web, hosts: [A.TEST.] }\n'));
  assert.equal(e.path, 'applications[1].hosts[0]');
  assert.match(e.problem, /already listed by applications\[0\] \(a\)/);
  e = configErr(() => AppCatalog.fromYaml('applications:\n  - { name: a, category: web, ports: [853] }\n'));
  assert.equal(e.path, 'applications[0].ports[0]');
  e = configErr(() => AppCatalog.fromYaml('applications:\n  - { name: a, category: web, hostz: [a.test] }\n'));
  assert.equal(e.path, 'applications[0].hostz');
  e = configErr(() => AppCatalog.fromYaml('apps: []\n'));
  assert.match(e.problem, /applications/);
  e = configErr(() => AppCatalog.fromYaml('applications: [\n'));
  assert.match(e.problem, /YAML/);
  // every problem is listed, one per line
  e = configErr(() => AppCatalog.fromYaml('applications:\n  - { name: a, category: web, cidrs: [10.0.0.1/8, "fd00::/129"] }\n'));
  assert.equal(e.message.split('\n').length, 2);
});

test('the built-in catalog loads, and every entry in the data file is valid', () => {
  const b = AppCatalog.builtin();
  assert.equal(AppCatalog.builtin(), b, 'loaded once');
  const file = builtinCatalogPath();
  assert.equal(file, resolve(process.cwd(), 'data/catalog/apps.yaml'));
  const doc = parse(readFileSync(file, 'utf8')) as { applications: { name: string; category: string; hosts?: string[] }[] };
  assert.ok(doc.applications.length >= 60);
  assert.equal(b.entries().length, doc.applications.length);
  for (const e of doc.applications) {
    assert.ok((APP_CATEGORIES as readonly string[]).includes(e.category), `${e.name}: category ${e.category}`);
    for (const h of e.hosts ?? []) assert.ok(parseHostPattern(h).ok, `${e.name}: ${h}`);
  }
  for (const required of ['aws-iot', 'azure-iot-hub', 'azure-iot-dps', 'google-cloud', 'aws', 'azure', 'alibaba-iot', 'ntp-pool', 'dot', 'youtube', 'netflix', 'facebook', 'whatsapp', 'instagram', 'tiktok', 'x', 'tuya', 'xiaomi', 'tp-link', 'hikvision', 'dahua']) {
    assert.ok(b.entries().some((e) => e.name === required), `built-in catalog lacks ${required}`);
  }
});

test('built-in catalog: representative names', () => {
  const b = AppCatalog.builtin();
  const cases: [string, string, string][] = [
    ['a1b2c3d4e5-ats.iot.us-east-1.amazonaws.com', 'aws-iot', 'iot-cloud'],
    ['s3.eu-west-1.amazonaws.com', 'aws', 'cloud'],
    ['myhub.azure-devices.net', 'azure-iot-hub', 'iot-cloud'],
    ['global.azure-devices-provisioning.net', 'azure-iot-dps', 'iot-cloud'],
    ['a1b2c3.iot-as-mqtt.cn-shanghai.aliyuncs.com', 'alibaba-iot', 'iot-cloud'],
    ['oss-cn-hangzhou.aliyuncs.com', 'alibaba-cloud', 'cloud'],
    ['storage.googleapis.com', 'google-cloud', 'cloud'],
    ['0.pool.ntp.org', 'ntp-pool', 'time'],
    ['time.windows.com', 'public-time', 'time'],
    ['dns.google', 'doh-google', 'dns-encrypted'],
    ['mozilla.cloudflare-dns.com', 'doh-cloudflare', 'dns-encrypted'],
    ['dns.quad9.net', 'doh-quad9', 'dns-encrypted'],
    ['d1234abcd.cloudfront.net', 'cloudfront', 'cdn'],
    ['mesu.apple.com', 'apple-update', 'software-update'],
    ['1-courier.push.apple.com', 'apple-push', 'os-services'],
    ['www.apple.com', 'apple-services', 'os-services'],
    ['rr1---sn-abc.googlevideo.com', 'youtube', 'video'],
    ['mmx-ds.cdninstagram.com', 'instagram', 'social'],
    ['a1.tuyaeu.com', 'tuya', 'iot-vendor'],
    ['api.twitter.com', 'x', 'social'],
  ];
  for (const [host, name, category] of cases) {
    const h = b.byHost(host);
    assert.equal(h?.app, name, host);
    assert.equal(h?.category, category, host);
  }
  assert.equal(b.byHost('example.org'), null);
  assert.equal(b.byPort('tcp', 853)?.app, 'dot');
  assert.equal(byAddr(b, '8.8.8.8'), 'google-public-dns');
  assert.equal(byAddr(b, '2606:4700:4700::1111'), 'cloudflare-resolver');
  assert.equal(byAddr(b, '149.154.167.91'), 'telegram');
});

test('the config schema lists exactly the catalog categories', () => {
  const schema = JSON.parse(readFileSync(resolve(process.cwd(), 'schemas/fleet-config.schema.json'), 'utf8')) as {
    properties: { applications: { items: { properties: { category: { enum: string[] } } } } };
  };
  assert.deepEqual(schema.properties.applications.items.properties.category.enum, [...APP_CATEGORIES]);
});

test("byHost remembers answers, and they stay those of a fresh lookup past the memo's size", () => {
  const asked: string[] = [];
  for (let i = 0; i < 5000; i++) asked.push(i % 3 === 0 ? `d${i}.iot.us-east-1.amazonaws.com` : i % 3 === 1 ? `Host${i}.Example.COM.` : `n${i}.nowhere.invalid`);
  const memo = AppCatalog.fromYaml(YAML, 'test.yaml');
  const first = asked.map((h) => memo.byHost(h));
  // asked again after the memo started over (more names than it holds), and on a catalog that never saw them
  const fresh = AppCatalog.fromYaml(YAML, 'test.yaml');
  for (let i = 0; i < asked.length; i += 7) {
    assert.deepEqual(memo.byHost(asked[i]), first[i], asked[i]);
    assert.deepEqual(fresh.byHost(asked[i]), first[i], asked[i]);
  }
  // a catalog with custom definitions keeps its own answers
  assert.equal(first[0]?.app, 'aws-iot');
  assert.equal(first[1]?.app, 'deep');
  assert.equal(first[2], null);
  const mine = memo.withCustom([custom({ name: 'my-backend', hosts: ['*.iot.us-east-1.amazonaws.com'] })]);
  assert.equal(mine.byHost(asked[0])?.app, 'my-backend');
  assert.equal(memo.byHost(asked[0])?.app, 'aws-iot');
  // a name longer than any DNS name is answered the same, without being kept
  const huge = `${'a'.repeat(5000)}.example.com`;
  assert.equal(memo.byHost(huge), fresh.byHost(huge));
});
