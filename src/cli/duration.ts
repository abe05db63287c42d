// Parses human durations for the CLI: "500ms", "10s", "10m", "1h", or a bare number of seconds.
import { FleetgateError } from '../core/errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDurationMs(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new FleetgateError('FG_ERR_USAGE', `${what}: '${text}' is not a duration (examples: 30s, 10m, 1h)`);
  return Number(m[1]) * UNIT_MS[m[2] ?? 's'];
}
