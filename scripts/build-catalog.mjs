// Part of `npm run build`: writes the built-in application catalog's YAML parsed as JSON beside it
// (data/catalog/apps.compiled.json), which fleetgate reads at start instead of loading the YAML
// library (src/classify/catalog/catalog-file.ts). The YAML stays the source; a compiled file older than
// it is ignored. A YAML syntax error is reported here and no compiled file is written.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// the built-in catalog, or the YAML file given (tests)
const yamlPath = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '../data/catalog/apps.yaml');
const outPath = yamlPath.replace(/\.yaml$/, '.compiled.json');
try {
  const doc = parse(readFileSync(yamlPath, 'utf8'), { uniqueKeys: true, maxAliasCount: 100 });
  writeFileSync(`${outPath}.tmp`, JSON.stringify(doc));
  renameSync(`${outPath}.tmp`, outPath);
} catch (e) {
  rmSync(outPath, { force: true });
  console.error(`build-catalog: ${yamlPath}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (the catalog will be read from the YAML)`);
  process.exitCode = 1;
}
