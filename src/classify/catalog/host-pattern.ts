// Host name patterns of the catalog and of custom applications (rules in docs/applications.md):
//   `a.example.com`     exact name
//   `*.example.com`     one or more labels before example.com (not example.com itself)
//   `iot.*.example.com` an inner `*` is exactly one label
//   `doh.*`             a trailing `*` is one or more labels after doh
// A `*` is always a whole label; at least one label is literal. Case-insensitive, trailing dot ignored.

/** Label characters we accept in patterns (LDH plus `_`, as in `_dmarc` or SRV names). */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

export interface HostPattern {
  /** Normalized text (lower case, no trailing dot). */
  text: string;
  /** Labels from the right (TLD first); `*` marks a wildcard label. */
  reversed: string[];
  /** Leading `*.`: one or more labels in front of the rest. */
  leadingMany: boolean;
  /** Trailing `.*`: one or more labels after the rest. */
  trailingMany: boolean;
  /** Literal (non-`*`) labels: the more, the more specific. */
  literals: number;
}

export type HostPatternParse = { ok: true; pattern: HostPattern } | { ok: false; problem: string };

export function parseHostPattern(raw: string): HostPatternParse {
  let text = raw.trim().toLowerCase();
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (text === '') return { ok: false, problem: 'is empty' };
  if (text.length > 253) return { ok: false, problem: `'${raw}' is longer than 253 characters` };
  const labels = text.split('.');
  let literals = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === '') return { ok: false, problem: `'${raw}' has an empty label (two dots in a row, or a leading dot)` };
    if (l === '*') continue;
    if (l.includes('*')) return { ok: false, problem: `'${raw}': '*' must be a whole label (like *.example.com), not part of '${l}'` };
    if (!LABEL.test(l)) return { ok: false, problem: `'${raw}': '${l}' is not a valid label (letters, digits, '-', '_', at most 63 characters, no '-' at either end)` };
    literals++;
  }
  if (literals === 0) return { ok: false, problem: `'${raw}' must contain at least one literal label` };
  const leadingMany = labels.length > 1 && labels[0] === '*';
  const trailingMany = labels.length > 1 && labels[labels.length - 1] === '*';
  if (leadingMany && trailingMany && labels.length === 2) {
    return { ok: false, problem: `'${raw}' must contain at least one literal label` };
  }
  const core = labels.slice(leadingMany ? 1 : 0, trailingMany ? labels.length - 1 : labels.length);
  return { ok: true, pattern: { text, reversed: core.reverse(), leadingMany, trailingMany, literals } };
}

/**
 * A host name as looked up: lower case, no trailing dot, no `:port`. Returns '' for text that cannot
 * be a host name (IPv6 literals, empty).
 */
export function normalizeHost(host: string): string {
  let h = host;
  if (h.length === 0 || h.length > 1024 || h.charCodeAt(0) === 0x5b /* [ */) return '';
  const colon = h.indexOf(':');
  if (colon >= 0) {
    if (h.indexOf(':', colon + 1) >= 0) return ''; // an IPv6 literal, not a name
    h = h.slice(0, colon);
  }
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h.toLowerCase();
}
