// End to end, Redirection configured through the API on `fleetgate serve --config` (live ports): the
// two-appliance topology of redirect-live.test.ts, but the redirection (probe addresses, local port,
// primary and standby) is PUT through the REST API while serve runs. Under a steady ping the primary's
// tunnel goes down: traffic resumes through the standby within the failover bound, and the API's
// /live shows the switch (active standby, the primary down, one switch on the standby).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { NetnsLab } from './_support/netns.js';
import { appliance, buildVpg, routeDevicesIntoTun } from './_support/junction-lab.js';
import { SERVER_IP, canRunLab, settle, startServers, tempDir, writeConfig } from './_support/lab-traffic.js';

const API_PORT = 18081;
const PING_INTERVAL_MS = 20;
const PING_COUNT = 200;
/** Probes 500 ms × 3 plus timer jitter (as redirect-live.test.ts). */
const MAX_GAP_MS = 1600;

interface LivePeer {
  role: string;
  healthy: boolean;
  state: string;
  switches?: number;
}

describe('e2e: redirection set through the API on fleetgate serve fails over to the standby', { timeout: 120_000 }, () => {
  it('PUT redirection with probes; the primary fails; /live shows the switch and the ping resumes', async (t) => {
    if (!canRunLab(t)) return;
    const lab = new NetnsLab(t);
    const dir = tempDir(t);
    const v = buildVpg(lab);
    const ap1 = appliance(lab, v, 1);
    appliance(lab, v, 2);
    await startServers(lab, v.srv, dir);
    const config = writeConfig(dir, v.portsYaml);
    const script = resolve(process.cwd(), 'dist/test/e2e/_support/run-serve.js');
    const serve = lab.spawn(v.gw, [process.execPath, script, '--config', config, '--db', join(dir, 'db', 'fg.db'), '--port', String(API_PORT)]);
    t.after(() => serve.stop('SIGTERM'));
    await serve.waitFor(/fleetgate API on/, 'fleetgate serve');
    const key = /admin API key[^\n]*\n\s+(\S+)/.exec(serve.out)?.[1];
    assert.ok(key, `no admin key in: ${serve.out}`);

    const api = (method: string, path: string, body?: unknown): { status: number; json: unknown } => {
      const data = body === undefined ? '' : `-H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
      const r = lab.tryExec(v.gw, `curl -sS -m 5 -X ${method} -H 'authorization: Bearer ${key}' ${data} -w '\\n%{http_code}' 'http://127.0.0.1:${API_PORT}${path}'`);
      assert.equal(r.status, 0, `curl ${method} ${path}: ${r.out}`);
      const nl = r.out.lastIndexOf('\n');
      const text = r.out.slice(0, nl);
      return { status: Number(r.out.slice(nl + 1)), json: text ? (JSON.parse(text) as unknown) : null };
    };
    const redirection = () => (api('GET', '/v1/gateways/gw-e2e/live').json as { junction: { redirection: { active?: string; peers?: LivePeer[] } | null } }).junction.redirection;

    const put = api('PUT', '/v1/gateways/gw-e2e/junction/redirection', {
      enabled: true,
      localAddress: '10.200.0.254',
      localPort: 4790,
      probe: { intervalMs: 500, threshold: 3 },
      gateway: { address: '192.0.2.2', protocol: 'vxlan', vni: 10, port: 4790, innerAddress: '10.200.0.1' },
      standby: { address: '192.0.2.6', protocol: 'vxlan', vni: 10, port: 4790, innerAddress: '10.200.0.2' },
    });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    routeDevicesIntoTun(lab, v);
    await settle(1500); // the config reaches the gateway; a few probe round trips on both peers
    const before = redirection();
    t.diagnostic(`before: ${JSON.stringify(before)}`);
    assert.equal(before?.active, 'primary');
    assert.deepEqual(before?.peers?.map((p) => [p.role, p.healthy]), [['primary', true], ['standby', true]]);

    const ping = lab.spawn(v.dev, ['ping', '-n', '-i', String(PING_INTERVAL_MS / 1000), '-c', String(PING_COUNT), '-W', '1', SERVER_IP]);
    await settle(1000);
    lab.exec(ap1.ns, `ip link set ${ap1.vx} down`);
    await ping.exited;
    const seqs = new Set([...ping.out.matchAll(/icmp_seq=(\d+)/g)].map((m) => Number(m[1])));
    const missing: number[] = [];
    for (let s = 1; s <= PING_COUNT; s++) if (!seqs.has(s)) missing.push(s);
    const gapMs = missing.length * PING_INTERVAL_MS;
    t.diagnostic(`ping: ${seqs.size}/${PING_COUNT} answered, ${missing.length} lost ≈ ${gapMs} ms gap`);
    assert.ok(missing.length > 0, 'the failure was seen');
    assert.equal(missing[missing.length - 1] - missing[0] + 1, missing.length, 'one contiguous gap: nothing lost once switched');
    assert.ok(seqs.has(PING_COUNT), 'the last echo was answered (through the standby)');
    assert.ok(gapMs <= MAX_GAP_MS, `failover gap ${gapMs} ms ≤ ${MAX_GAP_MS} ms`);

    const after = redirection();
    t.diagnostic(`after: ${JSON.stringify(after)}`);
    assert.equal(after?.active, 'standby');
    const [primary, standby] = after?.peers ?? [];
    assert.equal(primary?.healthy, false);
    assert.equal(standby?.healthy, true);
    assert.equal(standby?.switches, 1);
  });
});
