// Decides `segmentation: auto` for a VXLAN mirror peer: UDP GSO only where no capture can see the uncut
// message. The kernel cuts a GSO message at the NIC (or in software just before the driver), so a
// peer reached through a physical NIC always receives ordinary datagrams. On a virtual link (veth,
// bridge, loopback, a tunnel) the message travels uncut to the peer's UDP stack, and a packet capture
// on the way (tcpdump, an AF_PACKET IDS in a container) would see one oversized packet per run: off.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/** nic: a physical device; virtual: any other device (lo, veth, bridge, vlan, tunnel); unknown: no answer. */
export type EgressLink = 'nic' | 'virtual' | 'unknown';

export interface EgressProbe {
  /** The device the kernel routes `address` out of (policy routing included), or null. */
  routeDevice(address: string): Promise<string | null>;
  /** True when the device is backed by hardware (sysfs has a `device` link for it). */
  isPhysical(dev: string): boolean;
}

const DEVICE_NAME = /^[\w.:@-]{1,15}$/;

/** `ip -j route get <address>` and /sys/class/net: what the running kernel says. */
export const systemEgressProbe: EgressProbe = {
  routeDevice(address) {
    return new Promise((resolve) => {
      execFile('ip', ['-j', 'route', 'get', address], { timeout: 2000 }, (err, stdout) => {
        if (err) return resolve(null);
        try {
          const routes = JSON.parse(stdout) as { dev?: unknown; type?: unknown }[];
          const r = routes[0];
          // a local address is delivered over loopback, whatever device holds it
          if (r?.type === 'local') return resolve('lo');
          resolve(typeof r?.dev === 'string' ? r.dev : null);
        } catch {
          resolve(null);
        }
      });
    });
  },
  isPhysical(dev) {
    return DEVICE_NAME.test(dev) && existsSync(`/sys/class/net/${dev}/device`);
  },
};

export async function egressLink(address: string, probe: EgressProbe = systemEgressProbe): Promise<EgressLink> {
  const dev = await probe.routeDevice(address);
  if (dev === null) return 'unknown';
  return probe.isPhysical(dev) ? 'nic' : 'virtual';
}

/** `segmentation: auto`: on only when the peer is reached through a physical NIC. */
export async function autoSegmentation(address: string, probe?: EgressProbe): Promise<boolean> {
  return (await egressLink(address, probe)) === 'nic';
}
