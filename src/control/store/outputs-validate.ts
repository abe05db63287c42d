// Checks a gateway's outputs sent through the API with the SAME checks as `gateway.outputs` in the
// YAML (the config schema's `outputs` part, then output-checks.ts, which builds each sink without
// connecting), so the messages are the same; paths point into the request body (`body.sinks[0].url`).
// On top, files an API client names (jsonl path, prometheus textfile, spool dir) must be relative
// paths: the data plane puts them under the gateway's own outputs folder on the server.
import type { ValidateFunction } from 'ajv';
import { sharedAjv } from '../config/ajv.js';
import { readSchemaFile } from '../config/schema-file.js';
import { schemaProblems, type RawProblem } from '../config/schema-problems.js';
import { formatPath } from '../config/config-path.js';
import { outputProblems } from '../config/output-checks.js';
import type { OutputRecordType, OutputsConfig, OutputSinkConfig } from '../config/types.js';
import type { StoreProblem } from './store-error.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ENTRY_KEYS = new Set(['name', 'kind', 'types', 'envelope', 'batchSize']);
const ALL_TYPES: OutputRecordType[] = ['inspection', 'flow', 'alert', 'anomaly', 'eve'];
/** Options that name a file on the server, per sink kind. */
export const FILE_OPTIONS: Readonly<Record<string, readonly string[]>> = { jsonl: ['path'], prometheus: ['textfile'] };

let validator: ValidateFunction | undefined;

function outputsValidator(): ValidateFunction {
  if (!validator) {
    const root = readSchemaFile('fleet-config.schema.json') as { properties: { gateway: { properties: { outputs: object } } } };
    validator = sharedAjv().compile(root.properties.gateway.properties.outputs);
  }
  return validator;
}

/**
 * Problems with an outputs body (empty when valid), each at `body.…`. `stored` is the gateway's current
 * config: a file option it already holds (e.g. an absolute path seeded from the YAML) is accepted unchanged.
 */
export function outputsBodyProblems(body: unknown, stored: OutputsConfig | null = null): StoreProblem[] {
  const raw: RawProblem[] = [];
  const validate = outputsValidator();
  if (!validate(body)) raw.push(...schemaProblems(validate.errors ?? [], () => undefined));
  if (isObj(body)) {
    // output-checks.ts speaks in config paths (gateway.outputs.…): strip that prefix
    for (const p of outputProblems(body)) raw.push({ ...p, segs: p.segs.slice(2) });
    raw.push(...relativePathProblems(body, stored));
  }
  const seen = new Set<string>();
  const out: StoreProblem[] = [];
  for (const r of raw) {
    const path = formatPath(['body', ...r.segs]);
    const key = `${path}\u0000${r.problem}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, problem: r.problem });
  }
  return out;
}

function relativePathProblems(body: Obj, stored: OutputsConfig | null): RawProblem[] {
  const out: RawProblem[] = [];
  const check = (v: unknown, segs: (string | number)[], was?: unknown) => {
    if (typeof v === 'string' && v !== was && !isInsidePath(v)) out.push({ segs, problem: "must be a relative path inside the gateway's outputs folder (no leading '/', no '..')" });
  };
  if (isObj(body.spool)) check(body.spool.dir, ['spool', 'dir'], stored?.spool?.dir);
  if (Array.isArray(body.sinks)) {
    body.sinks.forEach((s, i) => {
      if (!isObj(s) || typeof s.kind !== 'string') return;
      const prev = stored?.sinks.find((x) => x.name === s.name && x.kind === s.kind);
      for (const k of FILE_OPTIONS[s.kind] ?? []) check(s[k], ['sinks', i, k], prev?.options[k]);
    });
  }
  return out;
}

export function isInsidePath(p: string): boolean {
  if (p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p) || p.includes('\0')) return false;
  return !p.split(/[\\/]/).some((seg) => seg === '..');
}

/** A valid outputs body with every default filled in (the same defaults as the YAML loader). */
export function normalizeOutputsBody(o: Obj): OutputsConfig {
  const out: OutputsConfig = {
    sinks: (o.sinks as Obj[]).map((s): OutputSinkConfig => {
      const options: Obj = {};
      for (const [k, v] of Object.entries(s)) if (!ENTRY_KEYS.has(k)) options[k] = v;
      return {
        name: s.name as string,
        kind: s.kind as string,
        types: [...((s.types as OutputRecordType[] | undefined) ?? ALL_TYPES)],
        envelope: (s.envelope as boolean | undefined) ?? true,
        batchSize: (s.batchSize as number | undefined) ?? 500,
        options,
      };
    }),
  };
  if (isObj(o.spool)) {
    const sp = o.spool;
    out.spool = { dir: sp.dir as string, limitBytes: (sp.limitBytes as number | undefined) ?? 1 << 30, durable: (sp.durable as boolean | undefined) ?? false };
  }
  return out;
}

/** The YAML/API shape of an outputs config: each entry's options flattened next to its settings. */
export function outputsToBody(c: OutputsConfig): { spool?: OutputsConfig['spool']; sinks: Obj[] } {
  const sinks = c.sinks.map((s) => ({ name: s.name, kind: s.kind, types: [...s.types], envelope: s.envelope, batchSize: s.batchSize, ...s.options }));
  return c.spool ? { spool: { ...c.spool }, sinks } : { sinks };
}

/** A config's outputs with their file options made absolute (relative to cwd), for seeding from the YAML. */
export function withAbsoluteFiles(c: OutputsConfig, resolvePath: (p: string) => string): OutputsConfig {
  const sinks = c.sinks.map((s) => {
    const options = { ...s.options };
    for (const k of FILE_OPTIONS[s.kind] ?? []) if (typeof options[k] === 'string') options[k] = resolvePath(options[k]);
    return { ...s, types: [...s.types], options };
  });
  return c.spool ? { spool: { ...c.spool, dir: resolvePath(c.spool.dir) }, sinks } : { sinks };
}
