// Which flows are redirected: a selector compiled once from config into tables. No key = all traffic;
// several keys = all must match; within one list, any entry matches.
// The redirector calls it once per flow (its decision is pinned with the flow), so small lookups are fine;
// it still allocates nothing once an app label has been seen.
import { cidrContains, type Cidr } from '../../control/config/cidr.js';
import type { SelectorConfig } from './config.js';

/** What a selector looks at, taken from a flow (usually its first packet plus its classification). */
export interface SelectContext {
  /** The flow's app label ("HTTP", "TLS.aws-iot", "Unknown"). */
  app: string;
  /** The device's group name ('' when none). */
  group: string;
  /** Destination address: 4 or 16 bytes at dstBuf[dstOff]. */
  dstBuf: Uint8Array;
  dstOff: number;
  ipVersion: number;
  dstPort: number;
}

/** App label cache bound: labels are interned (at most 65,536), this only guards against misuse. */
const MAX_CACHED_LABELS = 65_536;

export class CompiledSelector {
  readonly matchesAll: boolean;
  private readonly apps: string[] | null;
  private readonly appCache = new Map<string, boolean>();
  private readonly groups: Set<string> | null;
  private readonly ports: Uint8Array | null;
  private readonly v4: Cidr[] | null;
  private readonly v6: Cidr[] | null;

  constructor(cfg: SelectorConfig | undefined) {
    this.apps = cfg?.apps ? cfg.apps.map((a) => a.toLowerCase()) : null;
    this.groups = cfg?.groups ? new Set(cfg.groups) : null;
    let ports: Uint8Array | null = null;
    if (cfg?.ports) {
      ports = new Uint8Array(65536);
      for (const p of cfg.ports) ports[p] = 1;
    }
    this.ports = ports;
    const d = cfg?.destinations;
    this.v4 = d ? d.filter((c) => c.version === 4) : null;
    this.v6 = d ? d.filter((c) => c.version === 6) : null;
    this.matchesAll = !this.apps && !this.groups && !this.ports && !d;
  }

  select(ctx: SelectContext): boolean {
    if (this.matchesAll) return true;
    if (this.ports !== null && this.ports[ctx.dstPort & 0xffff] === 0) return false;
    if (this.groups !== null && !this.groups.has(ctx.group)) return false;
    if (this.v4 !== null && !this.dstMatches(ctx)) return false;
    if (this.apps !== null && !this.appMatches(ctx.app)) return false;
    return true;
  }

  private dstMatches(ctx: SelectContext): boolean {
    const list = ctx.ipVersion === 6 ? this.v6 : ctx.ipVersion === 4 ? this.v4 : null;
    if (list === null) return false;
    for (let i = 0; i < list.length; i++) if (cidrContains(list[i], ctx.dstBuf, ctx.dstOff)) return true;
    return false;
  }

  private appMatches(label: string): boolean {
    const hit = this.appCache.get(label);
    if (hit !== undefined) return hit;
    const r = appLabelMatches(this.apps as string[], label);
    if (this.appCache.size < MAX_CACHED_LABELS) this.appCache.set(label, r);
    return r;
  }
}

/**
 * A selector entry matches a label case-insensitively when it is the whole label, its base protocol
 * ("TLS" matches "TLS.aws-iot") or its application part ("aws-iot" matches "TLS.aws-iot").
 */
export function appLabelMatches(entriesLower: readonly string[], label: string): boolean {
  const l = label.toLowerCase();
  const dot = l.indexOf('.');
  const base = dot < 0 ? l : l.slice(0, dot);
  const rest = dot < 0 ? '' : l.slice(dot + 1);
  for (const e of entriesLower) if (e === l || e === base || (rest !== '' && e === rest)) return true;
  return false;
}
