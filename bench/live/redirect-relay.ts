// fleetgate as a bump-in-the-wire relay that REDIRECTS every flow through a peer, for a redirection
// throughput check by hand (not part of `npm run bench:live`): VXLAN datagrams arrive on <listen-port>,
// go to the peer at 127.0.0.1:<peer-port> (VXLAN, VNI 9), come back on <return-port>, and leave for
// 127.0.0.1:<reply-port> behind the header they arrived with. Inspection on (a real Pipeline over the
// simulated fleet). The peer can be the C relay: `udp-relay <peer-port> 127.0.0.1 <return-port>
// 127.0.0.1` returns each datagram unchanged. See README.md ("Redirection by hand").
// usage: node dist/bench/live/redirect-relay.js <listen-port> <reply-port> <peer-port> <return-port>
// Prints "ready" on stderr; on SIGTERM stops and prints its counters as one JSON line on stdout.
import { parseRedirectionConfig } from '../../src/actions/redirect/config.js';
import { parseConfigObject } from '../../src/control/config/load-config.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { requireNative } from '../../src/io/native/index.js';
import { UdpTunnelPort } from '../../src/io/ports/index.js';
import { LiveGateway } from '../../src/pipeline/live-gateway.js';
import { Pipeline } from '../../src/pipeline/worker.js';
import { fleetDescription } from '../../src/sim/index.js';
import { BENCH_FLEET } from './bench-traffic.js';

async function main(): Promise<void> {
  const [listenPort, replyPort, peerPort, returnPort] = process.argv.slice(2, 6).map(Number);
  if (![listenPort, replyPort, peerPort, returnPort].every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
    throw new Error('usage: redirect-relay <listen-port> <reply-port> <peer-port> <return-port>');
  }
  const addon = requireNative('vxlan');
  const fleet = parseConfigObject(fleetDescription(BENCH_FLEET), '(simulated fleet)');
  const directory = DeviceDirectory.fromConfig(fleet);
  const pipeline = new Pipeline({ operatorId: fleet.operator.id, gatewayId: fleet.gateway.id, intervalUs: 10e6, flowCapacity: 1 << 16, devices: directory });
  const redirection = parseRedirectionConfig({ localPort: returnPort, primary: { address: '127.0.0.1', protocol: 'vxlan', port: peerPort, vni: 9 } });
  const port = new UdpTunnelPort({ kind: 'vxlan', address: '127.0.0.1', port: listenPort, socketBuffer: 16 << 20, addon });
  const gw = new LiveGateway({ pipeline, devices: port, replyPort, directory, redirection, redirectBindAddress: '127.0.0.1' });
  await gw.start();
  console.error('ready');
  process.once('SIGTERM', () => {
    void (async () => {
      await gw.stop();
      const st = gw.status();
      const out = { ipPackets: pipeline.stats.ipPackets, forwarding: st.counters, junction: st.junction.counters };
      process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
    })();
  });
}

main().catch((e: unknown) => {
  console.error(`redirect-relay: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
