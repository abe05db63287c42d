// mergeSnapshots: the counters of the live workers summed for the status line and the summary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSnapshots } from '../../../src/pipeline/live-workers/merge.js';
import type { LiveWorkerSnapshot } from '../../../src/pipeline/live-workers/messages.js';

function snap(frames: number, sent: number, connected: boolean): LiveWorkerSnapshot {
  return {
    stats: { frames, ipPackets: frames, ipBytes: frames * 100, nonIpFrames: 0, unattributedPackets: 1, unattributedBytes: 10, decoderEvents: 0 },
    flowsCreated: frames / 10,
    reports: 2,
    port: { rxFrames: frames, rxBytes: frames * 150, txFrames: frames, txBytes: frames * 150, txDrops: 0, rxDrops: 1 },
    gateway: {
      mode: 'bump',
      counters: { returned: frames, toNetwork: 0, toDevices: 0, noRoute: 0, nonIp: 0, arpReplies: 0, ndReplies: 0 },
      junction: {
        counters: { mirrorOffered: frames, mirrorCopies: sent, redirected: 0, redirectDrops: 0, returned: 0, returnedDropped: 0 },
        mirroring: [
          { address: '192.0.2.9', protocol: 'vxlan', enabled: true, connected, transportError: connected ? null : 'EPERM', segmented: false, queued: 0, sent, dropped: 1, truncated: 0, bytes: sent * 64, filtered: 0, errors: 0 },
        ],
        mirrorProblems: connected ? [] : ['192.0.2.9 (vxlan): EPERM'],
        redirection: null,
      },
    },
  };
}

describe('mergeSnapshots', () => {
  it('sums pipeline, port, forwarding and per-peer mirror counters; keeps per-worker frames', () => {
    const m = mergeSnapshots([snap(100, 90, true), snap(30, 20, false)]);
    assert.equal(m.workers, 2);
    assert.deepEqual(m.perWorkerFrames, [100, 30]);
    assert.equal(m.stats.frames, 130);
    assert.equal(m.stats.ipBytes, 13000);
    assert.equal(m.stats.unattributedPackets, 2);
    assert.equal(m.flowsCreated, 13);
    assert.equal(m.reports, 4);
    assert.equal(m.port.rxFrames, 130);
    assert.equal(m.port.rxDrops, 2);
    assert.equal(m.counters.returned, 130);
    assert.equal(m.junction.counters.mirrorCopies, 110);
    assert.equal(m.junction.mirroring.length, 1);
    assert.equal(m.junction.mirroring[0].sent, 110);
    assert.equal(m.junction.mirroring[0].dropped, 2);
    assert.equal(m.junction.mirroring[0].connected, false, 'a peer is connected only when every worker connected it');
    assert.equal(m.junction.mirroring[0].transportError, 'EPERM');
    assert.deepEqual(m.junction.mirrorProblems, ['192.0.2.9 (vxlan): EPERM']);
  });

  it('does not change the snapshots it merges', () => {
    const a = snap(10, 5, true);
    mergeSnapshots([a, snap(10, 5, true)]);
    assert.equal(a.stats.frames, 10);
    assert.equal(a.gateway.junction.mirroring[0].sent, 5);
  });
});
