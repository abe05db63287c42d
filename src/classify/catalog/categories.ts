// The fixed list of application categories (docs/applications.md). Built-in entries and the
// operator's custom applications must use one of these, so reports aggregate on a known set.

export const APP_CATEGORIES = [
  'iot-cloud',
  'iot-vendor',
  'cloud',
  'cdn',
  'software-update',
  'time',
  'dns',
  'dns-encrypted',
  'video',
  'social',
  'messaging',
  'os-services',
  'web',
  'custom',
] as const;

export type AppCategory = (typeof APP_CATEGORIES)[number];

/** Category of a custom application that does not name one. */
export const DEFAULT_CUSTOM_CATEGORY: AppCategory = 'custom';

const KNOWN: ReadonlySet<string> = new Set(APP_CATEGORIES);

export function isAppCategory(s: string): s is AppCategory {
  return KNOWN.has(s);
}
