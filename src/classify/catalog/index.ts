// Application catalog: names applications (aws-iot, youtube, …) from host names, addresses and ports.
export { AppCatalog } from './app-catalog.js';
export type { CatalogHit, CatalogEntry } from './app-catalog.js';
export { APP_CATEGORIES, DEFAULT_CUSTOM_CATEGORY, isAppCategory } from './categories.js';
export type { AppCategory } from './categories.js';
export { parseHostPattern, normalizeHost } from './host-pattern.js';
export type { HostPattern } from './host-pattern.js';
export { appDefProblems, APP_NAME_RE } from './app-defs.js';
export type { AppDef, DefProblem } from './app-defs.js';
export { parseCatalogYaml, readCatalogFile, builtinCatalogPath } from './catalog-file.js';
