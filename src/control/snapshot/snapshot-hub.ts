// Holds the current snapshot of each gateway and calls subscribers synchronously when a new one is
// published (right after the store commits). A throwing subscriber does not stop the others.
import type { GatewaySnapshot } from './gateway-snapshot.js';

export type SnapshotListener = (s: GatewaySnapshot) => void;

export class SnapshotHub {
  private readonly current = new Map<string, GatewaySnapshot>();
  private readonly listeners = new Map<string, Set<SnapshotListener>>();
  /** Errors thrown by listeners (reported, never rethrown into the store's caller). */
  onListenerError: (e: unknown, gatewayId: string) => void = (e) => console.error('fleetgate: snapshot listener failed:', e);

  get(gatewayId: string): GatewaySnapshot | undefined {
    return this.current.get(gatewayId);
  }

  publish(s: GatewaySnapshot): void {
    const old = this.current.get(s.gatewayId);
    if (old && old.version > s.version) return; // never go back in time
    this.current.set(s.gatewayId, s);
    for (const cb of this.listeners.get(s.gatewayId) ?? []) {
      try {
        cb(s);
      } catch (e) {
        this.onListenerError(e, s.gatewayId);
      }
    }
  }

  /** The gateway is gone: forget its snapshot (listeners stay, for a gateway re-created with the same id). */
  drop(gatewayId: string): void {
    this.current.delete(gatewayId);
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(gatewayId: string, cb: SnapshotListener): () => void {
    let set = this.listeners.get(gatewayId);
    if (!set) this.listeners.set(gatewayId, (set = new Set()));
    set.add(cb);
    return () => {
      set.delete(cb);
    };
  }
}
