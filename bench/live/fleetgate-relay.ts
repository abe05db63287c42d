// fleetgate as a relay, for the live benchmark: the VXLAN bump-in-the-wire path (UdpTunnelPort over the
// native recvmmsg/sendmmsg addon + LiveGateway), with Inspection on (a real Pipeline, DPI on, over the
// simulated fleet's config) and one VXLAN mirror peer (LiveGateway's `mirroring` option: every packet
// is copied to a local sink). Every datagram goes back to its sender's address, to <reply-port>.
// usage: node dist/bench/live/fleetgate-relay.js <listen-port> <reply-port> <mirror-port> [gateway|dgram|gso|off]
// mirror transport: gateway = exactly as `fleetgate gateway` connects a peer declared with the defaults
// (UdpVxlanTransport: the native sendmmsg backend when the addon loads; segmentation auto, which is
// off on loopback); dgram = the same peer with the dgram fallback swapped in (one
// send and one Buffer per copy), to show what batching gains; gso = the native backend with UDP GSO
// (the peer's `segmentation: true` in the config); off = no peer.
// Prints "ready" on stderr once the port is open; on SIGTERM stops the gateway (flows ended, last
// reports emitted) and prints its counters as one JSON line on stdout.
import { parseMirroringConfig, UdpVxlanTransport } from '../../src/actions/mirror/index.js';
import { parseConfigObject } from '../../src/control/config/load-config.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { requireNative } from '../../src/io/native/index.js';
import { UdpTunnelPort } from '../../src/io/ports/index.js';
import { LiveGateway } from '../../src/pipeline/live-gateway.js';
import { Pipeline } from '../../src/pipeline/worker.js';
import { fleetDescription } from '../../src/sim/index.js';
import { BENCH_FLEET } from './bench-traffic.js';

async function main(): Promise<void> {
  const [listenPort, replyPort, mirrorPort] = process.argv.slice(2, 5).map(Number);
  const transport = process.argv[5] === 'dgram' || process.argv[5] === 'gso' || process.argv[5] === 'off' ? process.argv[5] : 'gateway';
  const addon = requireNative('vxlan');
  const fleet = parseConfigObject(fleetDescription(BENCH_FLEET), '(simulated fleet)');
  const directory = DeviceDirectory.fromConfig(fleet);
  let reports = 0;
  const pipeline = new Pipeline({
    operatorId: fleet.operator.id,
    gatewayId: fleet.gateway.id,
    intervalUs: 10e6,
    flowCapacity: 1 << 16,
    devices: directory,
    onReport: () => reports++,
  });
  // gateway: the peer as a config file declares it by default (segmentation: auto, off on loopback)
  const peer0 = { address: '127.0.0.1', protocol: 'vxlan', port: mirrorPort, vni: 7, ...(transport === 'gso' && { segmentation: true }) };
  const mirroring = transport === 'off' ? undefined : parseMirroringConfig({ peers: [peer0] });
  const port = new UdpTunnelPort({ kind: 'vxlan', address: '127.0.0.1', port: listenPort, socketBuffer: 16 << 20, addon });
  const gw = new LiveGateway({ pipeline, devices: port, replyPort, directory, mirroring });
  await gw.start();
  const problems = gw.junction.problems;
  if (problems.length > 0) throw new Error(`mirror peer: ${problems.join('; ')}`);
  let fallback: UdpVxlanTransport | null = null;
  const peer = gw.junction.mirrors?.peers[0];
  if (transport === 'dgram' && peer) {
    fallback = await UdpVxlanTransport.open('127.0.0.1', mirrorPort, { native: null, errorSink: peer.counters });
    peer.transport = fallback;
  }
  const backend = peer?.transport instanceof UdpVxlanTransport ? `${peer.transport.backend}${peer.transport.segmented ? ' + UDP GSO' : ''}` : 'none';
  console.error('ready');

  process.once('SIGTERM', () => {
    void (async () => {
      await gw.stop();
      await fallback?.close();
      const s = pipeline.stats;
      const st = gw.status();
      const out = {
        frames: s.frames,
        ipPackets: s.ipPackets,
        unattributedPackets: s.unattributedPackets,
        flows: pipeline.flows.stats.created,
        reports,
        forwarding: st.counters,
        port: port.counters,
        mirror: st.junction.mirroring[0] ?? null,
        mirrorBackend: backend,
      };
      process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
    })();
  });
}

main().catch((e: unknown) => {
  console.error(`fleetgate-relay: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
