// The application catalog: host name, address and port lookups compiled from the built-in data file
// and the operator's custom definitions. Custom definitions are searched first and win over built-in
// ones. Lookups allocate nothing except splitting a host name into labels (done once per flow), and
// return shared read-only hit objects.
import type { CustomAppDef } from '../../control/config/types.js';
import { parseAddress, parseCidr } from '../../control/config/cidr.js';
import { appDefProblems } from './app-defs.js';
import type { AppDef, L4 } from './app-defs.js';
import { builtinCatalogPath, catalogError, readCatalogFile, parseCatalogYaml } from './catalog-file.js';
import { CidrTrie } from './cidr-trie.js';
import { HostTrie } from './host-trie.js';
import { normalizeHost, parseHostPattern } from './host-pattern.js';

export interface CatalogHit {
  readonly app: string;
  readonly category: string;
  readonly source: 'custom' | 'builtin';
  readonly by: 'host' | 'ip' | 'port';
}

export interface CatalogEntry {
  readonly name: string;
  readonly category: string;
  readonly source: 'custom' | 'builtin';
}

/** One compiled set of definitions (the built-in ones, or the custom ones). */
class Layer {
  readonly hosts = new HostTrie();
  readonly v4 = new CidrTrie(4);
  readonly v6 = new CidrTrie(6);
  readonly tcp = new Int32Array(65536).fill(-1);
  readonly udp = new Int32Array(65536).fill(-1);
  readonly byHost: CatalogHit[] = [];
  readonly byIp: CatalogHit[] = [];
  readonly byPort: CatalogHit[] = [];
  readonly entries: CatalogEntry[] = [];

  /** defs must have passed appDefProblems; anything that still fails to compile is skipped. */
  constructor(defs: readonly AppDef[], source: 'custom' | 'builtin') {
    defs.forEach((d, i) => {
      const hit = (by: CatalogHit['by']): CatalogHit => Object.freeze({ app: d.name, category: d.category, source, by });
      this.byHost.push(hit('host'));
      this.byIp.push(hit('ip'));
      this.byPort.push(hit('port'));
      this.entries.push(Object.freeze({ name: d.name, category: d.category, source }));
      for (const h of d.hosts) {
        const r = parseHostPattern(h);
        if (r.ok) this.hosts.add(r.pattern, i);
      }
      const nets = [...(d.ips ?? []).map((a) => `${a.trim()}/${parseAddress(a.trim())?.length === 16 ? 128 : 32}`), ...d.cidrs];
      for (const c of nets) {
        const r = parseCidr(c.trim());
        if (r.ok) (r.cidr.version === 4 ? this.v4 : this.v6).add(r.cidr.bytes, r.cidr.prefix, i);
      }
      for (const p of d.ports) {
        const table = p.proto === 'tcp' ? this.tcp : this.udp;
        if (table[p.port] < 0) table[p.port] = i;
      }
    });
  }
}

let builtinCatalog: AppCatalog | undefined;

/** Host names whose answer byHost keeps; past it the memo starts over. */
const HOST_MEMO_ENTRIES = 4096;
/** Longer names (a DNS name has at most 253 characters) are looked up every time: a hostile SNI or
 *  Host header of kilobytes must not make the memo hold megabytes. */
const HOST_MEMO_MAX_LENGTH = 255;

export class AppCatalog {
  /**
   * byHost's answers by the name as asked. A fleet's flows name the same few servers again and again,
   * and a lookup (normalize, split into labels, walk the trie) cost more than the rest of naming a
   * flow. A catalog never changes (withCustom makes a new one), so an answer stays right.
   */
  private readonly hostMemo = new Map<string, CatalogHit | null>();

  private constructor(
    private readonly builtinLayer: Layer,
    private readonly customLayer: Layer | null,
  ) {}

  /** The built-in catalog (data/catalog/apps.yaml), loaded and checked once per process. */
  static builtin(): AppCatalog {
    builtinCatalog ??= new AppCatalog(new Layer(readCatalogFile(builtinCatalogPath()), 'builtin'), null);
    return builtinCatalog;
  }

  /** A catalog from YAML text in the data-file format (tests, alternative catalogs). */
  static fromYaml(text: string, file?: string): AppCatalog {
    return new AppCatalog(new Layer(parseCatalogYaml(text, file), 'builtin'), null);
  }

  /** An empty catalog (no built-in entries); add custom ones with withCustom. */
  static empty(): AppCatalog {
    return new AppCatalog(new Layer([], 'builtin'), null);
  }

  /**
   * This catalog's built-in entries plus `defs` (the fleet config's `applications`), which win over
   * built-in ones. Replaces custom definitions given before. Throws a ConfigError naming
   * `applications[i]...` for a definition that does not pass the config's checks.
   */
  withCustom(defs: readonly CustomAppDef[]): AppCatalog {
    const problems = appDefProblems(defs, { builtin: false, shapes: true });
    if (problems.length > 0) throw catalogError(problems, defs);
    return new AppCatalog(this.builtinLayer, defs.length > 0 ? new Layer(defs, 'custom') : null);
  }

  /** By host name (SNI, HTTP Host, DNS name): case-insensitive, trailing dot and `:port` ignored. */
  byHost(host: string): CatalogHit | null {
    if (host.length > HOST_MEMO_MAX_LENGTH) return this.lookupHost(host);
    const memo = this.hostMemo;
    const known = memo.get(host);
    if (known !== undefined) return known;
    const hit = this.lookupHost(host);
    if (memo.size >= HOST_MEMO_ENTRIES) memo.clear();
    memo.set(host, hit);
    return hit;
  }

  private lookupHost(host: string): CatalogHit | null {
    const name = normalizeHost(host);
    if (name === '') return null;
    const c = this.customLayer;
    if (c) {
      const v = c.hosts.lookup(name);
      if (v >= 0) return c.byHost[v];
    }
    const v = this.builtinLayer.hosts.lookup(name);
    return v >= 0 ? this.builtinLayer.byHost[v] : null;
  }

  /** By the 4 or 16 address bytes at addr[off]: the longest matching prefix (custom first). */
  byAddress(addr: Uint8Array, off: number, ipVersion: 4 | 6): CatalogHit | null {
    const c = this.customLayer;
    if (c) {
      const v = (ipVersion === 4 ? c.v4 : c.v6).lookup(addr, off);
      if (v >= 0) return c.byIp[v];
    }
    const b = this.builtinLayer;
    const v = (ipVersion === 4 ? b.v4 : b.v6).lookup(addr, off);
    return v >= 0 ? b.byIp[v] : null;
  }

  /** By the server-side port (custom first). */
  byPort(l4: L4, port: number): CatalogHit | null {
    const p = port & 0xffff;
    const c = this.customLayer;
    if (c) {
      const v = (l4 === 'tcp' ? c.tcp : c.udp)[p];
      if (v >= 0) return c.byPort[v];
    }
    const b = this.builtinLayer;
    const v = (l4 === 'tcp' ? b.tcp : b.udp)[p];
    return v >= 0 ? b.byPort[v] : null;
  }

  /** Every application: custom first, then built-in, each in definition order. */
  entries(): readonly CatalogEntry[] {
    return [...(this.customLayer?.entries ?? []), ...this.builtinLayer.entries];
  }
}
