// End to end, Redirection with `fleetgate gateway --workers 2` in VPG mode (topology of
// redirect-live.test.ts: two kernel appliances, primary and standby, each routing everything back to the
// gateway through its VXLAN tunnel; plus 8 more server addresses as in gateway-workers-vpg-routed).
//
// Both workers bind the return port 4790 (SO_REUSEPORT, steered by the inner-address hash): a packet an
// appliance returns reaches the worker that owns its flow. The primary's probes (10.200.0.254 ↔
// 10.200.0.1) belong to worker 1, the standby's (↔ 10.200.0.2) to worker 0: each is probed there and
// its health relayed to the other worker. Checked: curl and parallel pings to 8 addresses whose flows
// are on both workers go through the primary (tshark in it sees them); with two 20 ms pings, one per
// worker, the primary's tunnel is taken down: both pings resume through the standby (tshark there sees
// both) after a measured gap (target ≤ 1.5 s with 500 ms × 3 probes), with no loss once switched; the
// status line and the summary show the standby active, the primary down, both flows re-pinned. In
// between, a SIGHUP reload changing the redirection (probe interval) reaches both workers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE_IP, HTTP_BODY, SERVER_IP, assertHttpThroughAppliance, canRunLab, settle, tsharkCount } from './_support/lab-traffic.js';
import { startPcap, startRedirectLab, stoppedSummary, twoApplianceRedirection, type RedirectPeerSummary } from './_support/junction-lab.js';
import { flowWorkerOfIpv4 } from '../../src/io/native/index.js';
import { probeOwner } from '../../src/actions/redirect/workers.js';
import { parseIPv4 } from '../../src/core/ip.js';

const WORKERS = 2;
const PING_INTERVAL_MS = 20;
const PING_COUNT = 200;
/** Target 1.5 s (probes 500 ms × 3; 400 ms × 3 after the reload), plus one ping interval and timer jitter. */
const MAX_GAP_MS = 1600;
const workerOf = (server: string) => flowWorkerOfIpv4(parseIPv4(DEVICE_IP), parseIPv4(server), WORKERS);
/** 8 more server addresses, 10.129.0.20..27: flows to them are on both workers. */
const EXTRA = Array.from({ length: 8 }, (_, k) => `10.129.0.${20 + k}`);

const JUNCTION = twoApplianceRedirection();

interface RedirectionLine {
  active: string;
  redirected: number;
  returned: number;
  peers: Array<RedirectPeerSummary & { prober?: number; probesSent: number }>;
}

/** Sequence numbers ping did not get an answer for, 1..count. */
function lostSeqs(out: string, count: number): number[] {
  const seqs = new Set([...out.matchAll(/icmp_seq=(\d+)/g)].map((m) => Number(m[1])));
  const missing: number[] = [];
  for (let s = 1; s <= count; s++) if (!seqs.has(s)) missing.push(s);
  return missing;
}

/** The redirection part of the last status line printed so far. */
function lastStatus(out: string): RedirectionLine | null {
  const lines = out.split('\n').filter((l) => l.includes('fleetgate gateway: status '));
  if (lines.length === 0) return null;
  const last = lines[lines.length - 1];
  return (JSON.parse(last.slice(last.indexOf('{'))) as { redirection?: RedirectionLine }).redirection ?? null;
}

describe('e2e: Redirection with gateway --workers 2 (vpg), failover to the standby', { timeout: 150_000 }, () => {
  it('the lab addresses exercise both workers: probes on different workers, pings on both', () => {
    assert.equal(probeOwner('10.200.0.254', '10.200.0.1', WORKERS), 1, 'the primary is probed by worker 1');
    assert.equal(probeOwner('10.200.0.254', '10.200.0.2', WORKERS), 0, 'the standby by worker 0');
    assert.equal(new Set(EXTRA.map(workerOf)).size, WORKERS);
  });

  it('curl and parallel flows through the primary; after it fails both workers\' flows resume through the standby', async (t) => {
    if (!canRunLab(t)) return;
    const { lab, dir, config, v, ap1, ap2, gateway } = await startRedirectLab(t, JUNCTION, {
      gatewayArgs: ['--workers', String(WORKERS), '--status-every', '1s'],
      serverAddresses: EXTRA,
    });
    assert.match(gateway.out, /ready \(vpg\): .*2 workers .*redirection to 192\.0\.2\.2:4790 \/ 192\.0\.2\.6:4790/);

    // 1. curl and 8 parallel pings (flows on both workers) through the primary
    const pcap1 = join(dir, 'ap1.pcap');
    const cap1 = await startPcap(lab, ap1.ns, ap1.vx, pcap1);
    const curl = lab.tryExec(v.dev, `curl -sS -m 10 http://${SERVER_IP}:8080/hello.txt`);
    assert.equal(curl.status, 0, `curl failed: ${curl.out}\n${gateway.out}`);
    assert.equal(curl.out, HTTP_BODY);
    const pings = lab.tryExec(v.dev, EXTRA.map((a) => `ping -c 2 -i 0.2 -W 2 ${a} > /dev/null & `).join('') + 'fails=0; for j in $(jobs -p); do wait $j || fails=$((fails+1)); done; echo fails=$fails', 20_000);
    assert.equal(pings.status, 0, pings.out);
    assert.match(pings.out, /fails=0/, `every parallel ping got its answers: ${pings.out}\n${gateway.out}`);
    await settle(300);
    await cap1.stop('SIGINT');
    assertHttpThroughAppliance(t, pcap1, DEVICE_IP);
    for (const a of EXTRA) {
      // 2 echo requests and 2 replies, each crossing the appliance twice
      const n = tsharkCount(pcap1, `icmp && ((ip.src == ${DEVICE_IP} && ip.dst == ${a}) || (ip.src == ${a} && ip.dst == ${DEVICE_IP}))`);
      assert.ok(n >= 8, `ping to ${a} (worker ${workerOf(a)}) went through the primary both ways (${n} frames)`);
    }

    // 2. a reload that changes the redirection (probe interval) reaches both workers: each new
    // Redirector takes over its worker's socket (same localPort), and traffic still goes through
    writeFileSync(config, readFileSync(config, 'utf8').replace('intervalMs: 500', 'intervalMs: 400'));
    gateway.child.kill('SIGHUP');
    await gateway.waitFor(/reloaded .* on 2 of 2 workers: .*redirection replaced/, 'the reload on both workers');
    await settle(500);
    const again = lab.tryExec(v.dev, `curl -sS -m 10 http://${SERVER_IP}:8080/hello.txt`);
    assert.equal(again.status, 0, `curl after the reload failed: ${again.out}\n${gateway.out}`);
    assert.equal(again.out, HTTP_BODY);
    // redirection off, then on again: the new return sockets are opened one worker after the other, so
    // the new group is in worker order again (probe answers reach each peer's prober: both peers 'up')
    const withRedirect = readFileSync(config, 'utf8');
    writeFileSync(config, withRedirect.replace('redirection:\n', 'redirection:\n      enabled: false\n'));
    gateway.child.kill('SIGHUP');
    await gateway.waitFor(/reloaded .* on 2 of 2 workers: .*redirection removed/, 'redirection removed on both workers');
    writeFileSync(config, withRedirect);
    gateway.child.kill('SIGHUP');
    await gateway.waitFor(/reloaded .* on 2 of 2 workers: .*redirection added/, 'redirection added again on both workers');
    await settle(2500); // more than 3 probe intervals: a peer whose answers went astray would be down
    const readded = lastStatus(gateway.out);
    t.diagnostic(`status after redirection was re-added: ${JSON.stringify(readded)}`);
    assert.ok(readded);
    assert.equal(readded.active, 'primary');
    assert.deepEqual(readded.peers.map((p) => p.state), ['up', 'up'], 'both peers answered their prober');

    // 3. failover under two 20 ms pings, one flow on each worker
    const targets = [0, 1].map((w) => EXTRA.find((a) => workerOf(a) === w)!);
    const pcap2 = join(dir, 'ap2.pcap');
    const cap2 = await startPcap(lab, ap2.ns, ap2.vx, pcap2, 'icmp');
    const runs = targets.map((a) => lab.spawn(v.dev, ['ping', '-n', '-i', String(PING_INTERVAL_MS / 1000), '-c', String(PING_COUNT), '-W', '1', a]));
    await settle(1000);
    lab.exec(ap1.ns, `ip link set ${ap1.vx} down`);
    for (const r of runs) await r.exited;
    await settle(1500); // a status line after the switch
    await cap2.stop('SIGINT');
    const status = lastStatus(gateway.out);
    assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);

    for (let k = 0; k < targets.length; k++) {
      const missing = lostSeqs(runs[k].out, PING_COUNT);
      const gap = missing.length * PING_INTERVAL_MS;
      t.diagnostic(`ping ${targets[k]} (worker ${k}): lost ${missing.length} (seq ${missing[0]}..${missing[missing.length - 1]}) ≈ ${gap} ms failover gap`);
      assert.ok(missing.length > 0, 'the failure was seen');
      assert.equal(missing[missing.length - 1] - missing[0] + 1, missing.length, 'one contiguous gap: nothing lost once switched');
      assert.ok(gap <= MAX_GAP_MS, `failover gap ${gap} ms ≤ ${MAX_GAP_MS} ms`);
      assert.ok(!missing.includes(PING_COUNT), 'the last echo was answered');
      const onStandby = tsharkCount(pcap2, `icmp.type == 8 && ip.src == ${DEVICE_IP} && ip.dst == ${targets[k]}`);
      t.diagnostic(`standby appliance saw ${onStandby} echo request frames to ${targets[k]}`);
      assert.ok(onStandby >= 2 * 50, `worker ${k}'s flow went through the standby (${onStandby} frames)`);
    }

    t.diagnostic(`last status line: ${JSON.stringify(status)}`);
    assert.ok(status, 'status lines carry the redirection');
    assert.equal(status.active, 'standby');
    assert.equal(status.peers[0].state, 'down');
    const sum = stoppedSummary(gateway.out) as { workers: number; perWorkerFrames: number[]; redirectHealthRelayed: number; redirection: RedirectionLine };
    t.diagnostic(`summary: perWorkerFrames ${JSON.stringify(sum.perWorkerFrames)}, health relayed ${sum.redirectHealthRelayed}, redirection ${JSON.stringify(sum.redirection)}`);
    assert.equal(sum.workers, WORKERS);
    assert.ok(sum.perWorkerFrames.every((n) => n > 0), 'both workers carried traffic');
    assert.ok(sum.redirectHealthRelayed >= 1, 'the primary going down was relayed from its prober');
    const [primary, standby] = sum.redirection.peers;
    assert.equal(sum.redirection.active, 'standby');
    assert.deepEqual([primary.prober, standby.prober], [1, 0]);
    assert.equal(primary.state, 'down');
    assert.equal(primary.healthy, false);
    assert.equal(standby.state, 'up');
    assert.ok(primary.probesSent >= 4 && standby.probesSent >= 4, 'each peer probed (by its worker) since the reload');
    assert.ok(standby.repinned >= 2, `both workers' ping flows moved to the standby (${standby.repinned})`);
    assert.ok(standby.switches >= 1);
    assert.ok(sum.redirection.redirected > 0 && sum.redirection.returned > 0);
  });
});
