// Reads the built-in catalog (data/catalog/apps.yaml): found by searching upward from this module,
// so it works from the compiled tree (dist/src/classify/catalog) and from an installed package.
// `npm run build` also writes the file's YAML parsed as JSON beside it (apps.compiled.json, by
// scripts/build-catalog.mjs): when it is at least as new as the YAML, a start reads that and skips the
// YAML library (~60 ms of every replay's start); the checks below run on it all the same.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { lazyModule } from '../../core/lazy-module.js';
import { formatPath } from '../../control/config/config-path.js';
import { appDefProblems } from './app-defs.js';
import type { AppDef, DefProblem } from './app-defs.js';

export const BUILTIN_CATALOG = 'data/catalog/apps.yaml';

const yaml = lazyModule<typeof import('yaml')>('yaml');

/** Where the build writes the built-in catalog's YAML parsed as JSON. */
export function compiledCatalogPath(yamlPath: string): string {
  return yamlPath.replace(/\.yaml$/, '.compiled.json');
}

/** Absolute path of the built-in data file (bounded upward search, 8 levels). */
export function builtinCatalogPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, BUILTIN_CATALOG);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new ConfigError('', `the built-in catalog ${BUILTIN_CATALOG} was not found above ${fileURLToPath(import.meta.url)}`);
}

/**
 * Parses and checks catalog YAML (`applications: [...]`). Throws a ConfigError for the first problem
 * whose message lists them all, each naming the entry: `applications[3].hosts[1]: in 'aws-iot': ...`.
 */
export function parseCatalogYaml(text: string, file?: string): AppDef[] {
  let doc: unknown;
  try {
    doc = yaml().parse(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError('', `YAML: ${(e as Error).message.split('\n')[0]}`, file);
  }
  return catalogFromDoc(doc, file);
}

/** Checks a parsed catalog document and returns its applications (the problems as parseCatalogYaml). */
export function catalogFromDoc(doc: unknown, file?: string): AppDef[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('applications' in doc)) {
    throw new ConfigError('', "expected a mapping with the key 'applications' (a list of applications)", file);
  }
  const d = doc as Record<string, unknown>;
  const extra = Object.keys(d).filter((k) => k !== 'applications');
  const problems: DefProblem[] = extra.map((k) => ({ segs: [k], problem: `unknown key '${k}' (allowed: applications)` }));
  problems.push(...appDefProblems(d.applications, { builtin: true, shapes: true }));
  if (problems.length > 0) throw catalogError(problems, d.applications, file);
  return (d.applications as Record<string, unknown>[]).map((e) => ({
    name: e.name as string,
    category: e.category as string,
    hosts: ((e.hosts as string[] | undefined) ?? []).map((h) => h.trim()),
    cidrs: ((e.cidrs as string[] | undefined) ?? []).map((c) => c.trim()),
    ports: (e.ports as AppDef['ports'] | undefined) ?? [],
  }));
}

export function readCatalogFile(path: string): AppDef[] {
  const compiled = compiledCatalogPath(path);
  try {
    if (compiled !== path && existsSync(compiled) && statSync(compiled).mtimeMs >= statSync(path).mtimeMs) {
      return catalogFromDoc(JSON.parse(readFileSync(compiled, 'utf8')), path);
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // an unreadable or half-written compiled file: the YAML is the source of truth
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('', `cannot read the catalog: ${(e as Error).message}`, path);
  }
  return parseCatalogYaml(text, path);
}

/** One ConfigError (path/problem of the first problem) whose message lists every problem. */
export function catalogError(problems: readonly DefProblem[], list: unknown, file?: string): ConfigError {
  const lines = problems.map((p) => {
    const idx = p.segs[0] === 'applications' && typeof p.segs[1] === 'number' ? p.segs[1] : -1;
    const entry = Array.isArray(list) && idx >= 0 ? (list[idx] as { name?: unknown } | null) : null;
    const named = entry && typeof entry.name === 'string' ? `in '${entry.name}': ` : '';
    return { path: formatPath(p.segs), problem: named + p.problem };
  });
  const err = new ConfigError(lines[0].path, lines[0].problem, file);
  err.message = lines.map((l) => `${file ? `${file}: ` : ''}${l.path}: ${l.problem}`).join('\n');
  err.details.problems = lines;
  return err;
}
