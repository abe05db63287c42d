// Host patterns compiled into a trie over reversed labels (TLD first): a lookup walks the name's
// labels from the right, so its cost grows with the number of labels, not the number of patterns.
// When several patterns match, the most specific wins (see `specificity`); on a tie, the one added first.
import type { HostPattern } from './host-pattern.js';

/** Most nodes a lookup may visit (a bound against pathological pattern sets; never reached in practice). */
const MAX_VISITS = 4096;
/** Names with more labels than this (127 fits in 255 octets) are not looked up. */
const MAX_LABELS = 127;

class Node {
  exact: Map<string, Node> | null = null;
  /** Child for an inner `*` (exactly one label). */
  one: Node | null = null;
  /** A pattern ends here and the name must end here too. */
  endExact = -1;
  endExactRank = 0;
  /** A leading-`*.` pattern ends here: one or more labels must remain. */
  endDeep = -1;
  endDeepRank = 0;
}

/** Higher is more specific: literal labels first, then no open-depth wildcard, then no wildcard at all. */
function specificity(p: HostPattern): number {
  const inner = p.reversed.includes('*');
  return p.literals * 4 + (p.leadingMany || p.trailingMany ? 0 : 2) + (inner ? 0 : 1);
}

export class HostTrie {
  private readonly root = new Node();
  /** Patterns with a trailing `.*`: their trie starts after one or more of the name's rightmost labels. */
  private readonly trailRoot = new Node();
  private hasTrail = false;
  private order = 0;
  // lookup scratch (a lookup is synchronous; these avoid allocating a result per call)
  private bestValue = -1;
  private bestRank = -1;
  private visits = 0;

  /**
   * Adds a pattern for `value` (>= 0). Returns -1, or the value already stored for the very same
   * pattern (the caller reports the duplicate; the first one stays).
   */
  add(p: HostPattern, value: number): number {
    let node = p.trailingMany ? this.trailRoot : this.root;
    if (p.trailingMany) this.hasTrail = true;
    for (const label of p.reversed) {
      if (label === '*') {
        node.one ??= new Node();
        node = node.one;
      } else {
        node.exact ??= new Map();
        let next = node.exact.get(label);
        if (!next) {
          next = new Node();
          node.exact.set(label, next);
        }
        node = next;
      }
    }
    // rank: specificity, then earlier insertion first (order is below 2^20 in any sane catalog)
    const rank = specificity(p) * 0x100000 + (0xfffff - Math.min(this.order++, 0xfffff));
    if (p.leadingMany) {
      if (node.endDeep >= 0) return node.endDeep;
      node.endDeep = value;
      node.endDeepRank = rank;
    } else {
      if (node.endExact >= 0) return node.endExact;
      node.endExact = value;
      node.endExactRank = rank;
    }
    return -1;
  }

  /** The value of the best pattern matching an already normalized name (see normalizeHost), or -1. */
  lookup(name: string): number {
    if (name === '') return -1;
    const labels = name.split('.');
    const n = labels.length;
    if (n > MAX_LABELS) return -1;
    this.bestValue = -1;
    this.bestRank = -1;
    this.visits = 0;
    this.visit(this.root, 0, labels, n);
    if (this.hasTrail) for (let k = 1; k < n; k++) this.visit(this.trailRoot, k, labels, n);
    return this.bestValue;
  }

  private visit(node: Node, depth: number, labels: string[], n: number): void {
    if (++this.visits > MAX_VISITS) return;
    if (depth === n) {
      if (node.endExact >= 0 && node.endExactRank > this.bestRank) {
        this.bestValue = node.endExact;
        this.bestRank = node.endExactRank;
      }
      return;
    }
    if (node.endDeep >= 0 && node.endDeepRank > this.bestRank) {
      this.bestValue = node.endDeep;
      this.bestRank = node.endDeepRank;
    }
    const child = node.exact?.get(labels[n - 1 - depth]);
    if (child) this.visit(child, depth + 1, labels, n);
    if (node.one) this.visit(node.one, depth + 1, labels, n);
  }
}
