// Reads a fleet config (YAML): syntax, then the JSON schema (schemas/fleet-config.schema.json), then
// semantic checks; all problems are thrown together as one ConfigProblems. Defaults are filled in.
import { readFileSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import { lazyModule } from '../../core/lazy-module.js';
import type { ValidateFunction } from 'ajv';
import { ConfigProblem, ConfigProblems } from './config-errors.js';
import { formatPath } from './config-path.js';
import type { PathSegments } from './config-path.js';
import { schemaProblems } from './schema-problems.js';
import type { RawProblem } from './schema-problems.js';
import { semanticProblems } from './semantic-checks.js';
import { normalizeConfig } from './normalize.js';
import { sharedAjv } from './ajv.js';
import { readSchemaFile } from './schema-file.js';
import type { FleetConfig } from './types.js';

/** The YAML library, loaded by the first config read (commands without --config never load it). */
const yaml = lazyModule<typeof import('yaml')>('yaml');

let validator: ValidateFunction | undefined;

function configValidator(): ValidateFunction {
  validator ??= sharedAjv().compile(readSchemaFile('fleet-config.schema.json'));
  return validator;
}

/** Reads and checks the config file at path. Throws ConfigProblems (a ConfigError) listing every problem. */
export function loadConfig(path: string): FleetConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigProblems([new ConfigProblem('', `cannot read the file: ${(e as Error).message}`, path)], path);
  }
  return parseConfig(text, path);
}

/** Parses and checks config text; fileName only labels the messages. */
export function parseConfig(text: string, fileName?: string): FleetConfig {
  const { LineCounter: Lines, parseDocument } = yaml();
  const lines = new Lines();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const at = (offset: number) => lines.linePos(offset);

  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? at(e.pos[0]);
      const msg = e.message.split(' at line ')[0].split('\n')[0];
      return new ConfigProblem('', `YAML syntax error at line ${pos.line}, column ${pos.col}: ${msg}`, fileName, pos.line, pos.col);
    });
    throw new ConfigProblems(problems, fileName);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new ConfigProblems([new ConfigProblem('', `YAML: ${(e as Error).message}`, fileName)], fileName);
  }
  if (data === null || data === undefined) {
    throw new ConfigProblems([new ConfigProblem('', 'the file is empty; expected a mapping with operator, gateway and devices', fileName)], fileName);
  }

  return checkConfig(data, fileName, { doc, lines });
}

/**
 * Checks a config given as a plain object (e.g. the simulator's fleet description); label names it
 * in messages. Same checks and defaults as parseConfig, without line numbers.
 */
export function parseConfigObject(data: unknown, label?: string): FleetConfig {
  if (data === null || data === undefined) {
    throw new ConfigProblems([new ConfigProblem('', 'the config is empty', label)], label);
  }
  return checkConfig(data, label);
}

function checkConfig(data: unknown, fileName: string | undefined, src?: { doc: Document; lines: LineCounter }): FleetConfig {
  const validate = configValidator();
  const raw: RawProblem[] = [];
  if (!validate(data)) raw.push(...schemaProblems(validate.errors ?? [], (segs) => (src ? scalarSource(src.doc, segs) : undefined)));
  raw.push(...semanticProblems(data));
  if (raw.length > 0) throw new ConfigProblems(locate(src, raw, fileName), fileName);
  return normalizeConfig(data as Record<string, unknown>);
}

/** Turns raw problems into ConfigProblems with line/column, sorted in file order, duplicates dropped. */
function locate(src: { doc: Document; lines: LineCounter } | undefined, raw: RawProblem[], file: string | undefined): ConfigProblem[] {
  const seen = new Set<string>();
  const located: { p: ConfigProblem; offset: number; n: number }[] = [];
  raw.forEach((r, n) => {
    const path = formatPath(r.segs);
    const key = `${path}\u0000${r.problem}`;
    if (seen.has(key)) return;
    seen.add(key);
    const offset = src ? nodeOffset(src.doc, r) : -1;
    const pos = src && offset >= 0 ? src.lines.linePos(offset) : undefined;
    located.push({ p: new ConfigProblem(path, r.problem, file, pos?.line, pos?.col), offset, n });
  });
  located.sort((a, b) => (a.offset === b.offset ? a.n - b.n : a.offset - b.offset));
  return located.map((l) => l.p);
}

function nodeOffset(doc: Document, r: RawProblem): number {
  const segs = r.atParent ? r.segs.slice(0, -1) : r.segs;
  if (r.atKey && segs.length > 0) {
    const parent = doc.getIn(segs.slice(0, -1), true);
    const last = segs[segs.length - 1];
    const { isMap, isScalar } = yaml();
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && String(it.key.value) === String(last));
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
  }
  const node = segs.length === 0 ? doc.contents : doc.getIn(segs, true);
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : -1;
}

function scalarSource(doc: Document, segs: PathSegments): string | undefined {
  const node = doc.getIn(segs, true);
  return yaml().isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
}

export type { FleetConfig, DeviceConfig, GroupConfig, GatewayConfig, OperatorConfig } from './types.js';
