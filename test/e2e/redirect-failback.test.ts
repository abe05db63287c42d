// End to end, Redirection failback (topology of redirect-live.test.ts: two kernel appliances, primary
// and standby, each routing everything back to the gateway through its VXLAN tunnel).
//
// Under a steady ping (every 20 ms): the primary's tunnel goes down → the ping moves to the standby;
// the primary comes back → once its health probes succeed (500 ms × 3) the ping returns to the primary
// (`failback: all-flows`: a flow already on the standby moves back too). Measured and asserted: the
// failback gap (primary up → first echo request through it, from tshark's timestamps), that the standby
// carries nothing once the ping is back, that no echo is lost at or after the switch back, and the peer
// counters (`switches` on both peers: one move each way).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEVICE_IP, SERVER_IP, canRunLab, settle } from './_support/lab-traffic.js';
import { startPcap, startRedirectLab, stoppedSummary, twoApplianceRedirection, type RedirectPeerSummary } from './_support/junction-lab.js';

const PING_INTERVAL_MS = 20;
const PING_COUNT = 400;
/** Failover: probes 500 ms × 3 plus timer jitter (as redirect-live.test.ts). */
const MAX_FAILOVER_GAP_MS = 1600;
/** Failback: up to one probe interval until the next probe, then 3 answered probes, plus jitter. */
const MAX_FAILBACK_MS = 2200;

const JUNCTION = twoApplianceRedirection('failback: all-flows');

/** Epoch times (ms) of the device's echo requests in a pcap, first crossing of each only (the appliance forwards it back out too). */
function echoRequestTimes(pcap: string): number[] {
  const r = spawnSync('tshark', ['-r', pcap, '-Y', `icmp.type == 8 && ip.src == ${DEVICE_IP}`, '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `tshark -r failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => Number(l) * 1000);
}


describe('e2e: Redirection failback to the recovered primary', { timeout: 120_000 }, () => {
  it('primary down → standby; primary back → traffic returns to it after the probes succeed', async (t) => {
    if (!canRunLab(t)) return;
    const { lab, dir, v, ap1, ap2, gateway } = await startRedirectLab(t, JUNCTION);

    const pcap1 = join(dir, 'ap1.pcap');
    const pcap2 = join(dir, 'ap2.pcap');
    const cap1 = await startPcap(lab, ap1.ns, ap1.vx, pcap1, 'icmp');
    const cap2 = await startPcap(lab, ap2.ns, ap2.vx, pcap2, 'icmp');
    const ping = lab.spawn(v.dev, ['ping', '-n', '-i', String(PING_INTERVAL_MS / 1000), '-c', String(PING_COUNT), '-W', '1', SERVER_IP]);
    await settle(1000);
    const downAt = Date.now();
    lab.exec(ap1.ns, `ip link set ${ap1.vx} down`);
    await settle(3000); // failover (≤ 1.5 s) and a while on the standby
    // taking the link down removed its routes: bring it up with its default route again
    lab.exec(ap1.ns, `ip link set ${ap1.vx} up && ip route replace default via 10.200.0.254 dev ${ap1.vx}`);
    const upAt = Date.now();
    await ping.exited;
    await settle(300);
    await cap1.stop('SIGINT');
    await cap2.stop('SIGINT');
    assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);

    const seqs = new Set([...ping.out.matchAll(/icmp_seq=(\d+)/g)].map((m) => Number(m[1])));
    const missing: number[] = [];
    for (let s = 1; s <= PING_COUNT; s++) if (!seqs.has(s)) missing.push(s);
    const failoverGap = missing.length * PING_INTERVAL_MS;
    t.diagnostic(`ping: ${seqs.size}/${PING_COUNT} answered; lost ${missing.length} (seq ${missing[0]}..${missing[missing.length - 1]}) ≈ ${failoverGap} ms failover gap`);
    assert.ok(missing.length > 0, 'the failure was seen');
    assert.equal(missing[missing.length - 1] - missing[0] + 1, missing.length, 'one contiguous gap (the failover): nothing lost at or after the switch back');
    assert.ok(failoverGap <= MAX_FAILOVER_GAP_MS, `failover gap ${failoverGap} ms ≤ ${MAX_FAILOVER_GAP_MS} ms`);
    assert.ok(seqs.has(PING_COUNT), 'the last echo was answered');

    const onPrimary = echoRequestTimes(pcap1);
    const onStandby = echoRequestTimes(pcap2);
    const back = onPrimary.filter((ms) => ms > upAt);
    assert.ok(back.length > 0, 'the ping came back to the primary');
    const failback = back[0] - upAt;
    const standbyAfter = onStandby.filter((ms) => ms > back[0] + PING_INTERVAL_MS);
    const standbyDuring = onStandby.filter((ms) => ms > downAt && ms <= back[0]);
    t.diagnostic(`failback: first echo through the primary ${failback.toFixed(0)} ms after it came up; the standby carried ${standbyDuring.length / 2} echoes meanwhile, ${standbyAfter.length} frames after`);
    assert.ok(standbyDuring.length > 0, 'the standby carried the ping while the primary was down');
    assert.ok(failback >= 500, `the switch back waits for answered probes (${failback.toFixed(0)} ms)`);
    assert.ok(failback <= MAX_FAILBACK_MS, `failback ${failback.toFixed(0)} ms ≤ ${MAX_FAILBACK_MS} ms`);
    assert.equal(standbyAfter.length, 0, 'nothing went through the standby once the ping was back on the primary');

    const sum = stoppedSummary(gateway.out) as { redirection: { active: string; peers: RedirectPeerSummary[] } };
    t.diagnostic(`gateway: ${JSON.stringify(sum.redirection)}`);
    const [primary, standby] = sum.redirection.peers;
    assert.equal(sum.redirection.active, 'primary');
    assert.equal(primary.state, 'up');
    assert.equal(standby.switches, 1, 'one switch to the standby');
    assert.equal(primary.switches, 1, 'one switch back to the primary');
    assert.ok(standby.repinned >= 1 && primary.repinned >= 1, 'the ping flow moved both ways');
  });
});
