// `fleetgate gateway` as a loopback bump in the wire for e2e tests that need no namespaces: a VXLAN
// devices port on 127.0.0.1, the test's UDP socket as the device (every datagram comes back to it), and
// the config lines they all start with.
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { Background } from './netns.js';
import { DEVICE_IMSI, DEVICE_IP, SERVER_IP, fleetHead } from './lab-traffic.js';
import { bindLoopback, vxlanDatagram, waitFor } from '../../_support/loopback-vxlan.js';

/** The config's first lines: operator, gateway and its VXLAN port on 127.0.0.1:gwPort (replies to the sender's port). */
export function loopbackFleetHead(gwPort: number): string[] {
  return fleetHead(`devices: { kind: vxlan, address: 127.0.0.1, port: ${gwPort}, replyPort: 0 }`);
}

/** `gateway.junction` with one VXLAN mirror peer on 127.0.0.1:port (VNI 99, or an invalid VNI). */
export function mirrorPeerLines(port: number, valid = true): string[] {
  return ['  junction:', '    mirroring:', '      peers:', `        - { address: 127.0.0.1, protocol: vxlan, vni: ${valid ? 99 : 16777216}, port: ${port} }`];
}

/** The `devices:` section with the test device. */
export function deviceLines(): string[] {
  return ['devices:', `  - { imsi: "${DEVICE_IMSI}", ip: ${DEVICE_IP}, name: meter-e2e }`];
}

export interface LoopbackGateway {
  gw: Background;
  /** Datagrams that came back to the device socket. */
  back(): number;
  /** Sends n VXLAN datagrams of one UDP flow of the device (to port, default gwPort) and waits until all n came back. */
  phase(n: number, port?: number): Promise<void>;
  /** Sends one datagram from the device socket to 127.0.0.1:port (what comes back counts in back()). */
  send(datagram: Buffer, port: number): void;
}

/** Starts the gateway on `fleet` (its reports to dir/reports.jsonl) and the device socket; both stop with the test. */
export async function startLoopbackGateway(t: TestContext, fleet: string, dir: string, gwPort: number, extraArgs: string[] = []): Promise<LoopbackGateway> {
  const device: Socket = createSocket('udp4');
  t.after(() => device.close());
  let back = 0;
  device.on('message', () => back++);
  await bindLoopback(device, 0);
  const script = resolve(process.cwd(), 'dist/test/e2e/_support/run-gateway.js');
  const args = [script, '--config', fleet, '--out', join(dir, 'reports.jsonl'), '--status-every', '0', ...extraArgs];
  const gw = new Background(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  t.after(() => gw.stop('SIGKILL'));
  await gw.waitFor(/fleetgate gateway: ready \(bump\)/, 'the gateway');
  let seq = 0;
  return {
    gw,
    back: () => back,
    send: (datagram, port) => device.send(datagram, port, '127.0.0.1'),
    phase: async (n: number, port = gwPort) => {
      const want = back + n;
      for (let i = 0; i < n; i++) device.send(vxlanDatagram(DEVICE_IP, SERVER_IP, `reading ${seq++}`), port, '127.0.0.1');
      await waitFor(() => back >= want, () => `${want} datagrams back (got ${back})`, 5000);
    },
  };
}
