// Turns ajv errors into sentences a person can act on ("unknown key 'devcies' (did you mean
// 'devices'?)", "must be between 10 and 3600 seconds").
import type { ErrorObject } from 'ajv';
import type { PathSegments } from './config-path.js';
import { pointerToSegments } from './config-path.js';

export interface RawProblem {
  segs: PathSegments;
  problem: string;
  /** Locate the key itself (unknown keys) rather than its value. */
  atKey?: boolean;
  /** Locate the parent mapping (missing keys). */
  atParent?: boolean;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'empty',
};

/** sourceOf(segs) returns the YAML source text of a scalar, to show the user what to quote. */
export function schemaProblems(errors: readonly ErrorObject[], sourceOf: (segs: PathSegments) => string | undefined): RawProblem[] {
  const out: RawProblem[] = [];
  for (const e of errors) {
    const segs = pointerToSegments(e.instancePath);
    const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        const allowed = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
        const near = closest(key, allowed);
        const hint = near ? ` (did you mean '${near}'?)` : allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
        out.push({ segs: [...segs, key], problem: `unknown key '${key}'${hint}`, atKey: true });
        break;
      }
      case 'required': {
        const key = String((e.params as { missingProperty: string }).missingProperty);
        out.push({ segs: [...segs, key], problem: 'is required', atParent: true });
        break;
      }
      case 'type': {
        const want = String((e.params as { type: string }).type);
        out.push({ segs, problem: typeProblem(segs, want, e.data, sourceOf(segs)) });
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const unit = typeof parent['x-unit'] === 'string' ? ` ${parent['x-unit']}` : '';
        const min = parent.minimum;
        const max = parent.maximum;
        const problem =
          typeof min === 'number' && typeof max === 'number'
            ? `must be between ${min} and ${max}${unit}`
            : `${e.message ?? 'is out of range'}${unit}`;
        out.push({ segs, problem: `${problem} (got ${JSON.stringify(e.data)})` });
        break;
      }
      case 'pattern': {
        const custom = parent['x-problem'];
        out.push({ segs, problem: typeof custom === 'string' ? `${custom} (got ${JSON.stringify(e.data)})` : `must match ${String(parent.pattern)}` });
        break;
      }
      case 'minLength': {
        const n = Number((e.params as { limit: number }).limit);
        out.push({ segs, problem: n === 1 ? 'must not be empty' : `must be at least ${n} characters` });
        break;
      }
      case 'maxLength':
        out.push({ segs, problem: `must be at most ${(e.params as { limit: number }).limit} characters` });
        break;
      case 'minItems': {
        const n = Number((e.params as { limit: number }).limit);
        out.push({ segs, problem: n === 1 ? 'must list at least one entry' : `must list at least ${n} entries` });
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
        out.push({ segs, problem: `must be one of: ${allowed.join(', ')} (got ${JSON.stringify(e.data)})` });
        break;
      }
      case 'maxItems':
        out.push({ segs, problem: `must list at most ${(e.params as { limit: number }).limit} entries` });
        break;
      default:
        out.push({ segs, problem: e.message ?? `fails ${e.keyword}` });
    }
  }
  return out;
}

function typeProblem(segs: PathSegments, want: string, data: unknown, source: string | undefined): string {
  const wanted = TYPE_WORDS[want] ?? want;
  const last = segs[segs.length - 1];
  if (data === null || data === undefined) return `must be ${wanted} (the value is empty)`;
  if (last === 'imsi' && typeof data === 'number') {
    const text = source ?? String(data);
    return `must be a string of 14 or 15 digits; YAML read ${text} as a number${text !== String(data) ? ` (${data}, leading zeros lost)` : ''}: quote it, imsi: "${text}"`;
  }
  if (want === 'string' && (typeof data === 'number' || typeof data === 'boolean')) {
    return `must be a string; YAML read ${source ?? String(data)} as ${typeof data === 'number' ? 'a number' : 'true/false'}: quote it`;
  }
  const got = Array.isArray(data) ? 'a list' : typeof data === 'object' ? 'a mapping' : `${typeof data} ${JSON.stringify(data)}`;
  return `must be ${wanted} (got ${got})`;
}

/** The allowed key within edit distance 2 (for typos), if any. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const a of allowed) {
    const d = distance(key.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best;
}

/** Damerau-Levenshtein (optimal string alignment), so a swapped pair like 'devcies' costs 1. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
      rows[i].push(v);
    }
  }
  return rows[a.length][b.length];
}
