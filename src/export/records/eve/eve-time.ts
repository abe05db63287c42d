// Suricata's timestamp form: ISO 8601 with microseconds and a numeric UTC offset
// ("2023-09-18T06:13:41.532140+0000"). fleetgate always writes UTC.

const US_PER_S = 1_000_000;

/** Formats UNIX microseconds; non-finite input is written as the epoch rather than throwing. */
export function eveTimestamp(us: number): string {
  const t = Number.isFinite(us) ? Math.floor(us) : 0;
  const secs = Math.floor(t / US_PER_S);
  const micros = t - secs * US_PER_S;
  // toISOString gives "YYYY-MM-DDTHH:MM:SS.mmmZ"; keep the seconds part and add the µs ourselves.
  const base = new Date(secs * 1000).toISOString().slice(0, 19);
  return `${base}.${String(micros).padStart(6, '0')}+0000`;
}

/** EVE flow `age`: whole seconds between start and end, as Suricata computes it (end.secs - start.secs). */
export function eveAgeSeconds(firstUs: number, lastUs: number): number {
  const age = Math.floor(lastUs / US_PER_S) - Math.floor(firstUs / US_PER_S);
  return age > 0 ? age : 0;
}
