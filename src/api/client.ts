// A thin REST client for the CLI commands: --url/--key or FLEETGATE_URL/FLEETGATE_KEY.
import { FleetgateError } from '../core/errors.js';

export interface ClientOptions {
  url?: string;
  key?: string;
}

export const CLIENT_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export class ApiClient {
  readonly url: string;
  private readonly key: string;

  constructor(o: ClientOptions) {
    this.url = (o.url ?? process.env.FLEETGATE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
    const key = o.key ?? process.env.FLEETGATE_KEY;
    if (!key) throw new FleetgateError('FG_ERR_USAGE', 'an API key is required: --key or FLEETGATE_KEY');
    this.key = key;
  }

  /** JSON request; throws FleetgateError with the API's code and message on failure. */
  async request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const r = await this.raw(method, path, body, contentType);
    const text = await r.text();
    const json = text ? (JSON.parse(text) as unknown) : null;
    if (!r.ok) {
      const e = (json as { error?: { code?: string; message?: string; problems?: { path: string; problem: string }[] } } | null)?.error;
      const lines = e?.problems?.map((p) => `  ${p.path}: ${p.problem}`).join('\n');
      throw new FleetgateError('FG_ERR_IO', `${e?.code ?? r.status}: ${e?.message ?? text}${lines ? `\n${lines}` : ''}`);
    }
    return json as T;
  }

  async raw(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}` };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = contentType;
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    try {
      return await fetch(this.url + path, { method, headers, body: payload });
    } catch (e) {
      throw new FleetgateError('FG_ERR_IO', `cannot reach ${this.url}: ${(e as Error).message}`);
    }
  }
}

/** Prints rows as aligned columns (or JSON with --json). */
export function printTable(rows: Record<string, unknown>[], cols: string[], asJson = false): void {
  if (asJson) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const cell = (v: unknown) => (v === undefined || v === null ? '-' : Array.isArray(v) ? v.join(',') : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  console.log(cols.map((c, i) => c.toUpperCase().padEnd(widths[i])).join('  '));
  for (const r of rows) console.log(cols.map((c, i) => cell(r[c]).padEnd(widths[i])).join('  '));
}
