// Finds the JSON files in schemas/ at run time: from the compiled tree (dist/src/...) and from the
// package root when installed (package.json ships `schemas/` next to `dist/`).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Reads and parses schemas/<name>, searching upward from this module (bounded to 8 levels). */
export function readSchemaFile(name: string): Record<string, unknown> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'schemas', name);
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8')) as Record<string, unknown>;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`schema file schemas/${name} not found above ${fileURLToPath(import.meta.url)}`);
}
