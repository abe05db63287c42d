// Elasticsearch sink (the official client, v9): open() puts the index template for `<prefix>-*`; a batch
// is one `_bulk` request of `create` actions with `_id` = record id into the record's daily index
// `<prefix>-<type>-YYYY.MM.DD`. A duplicate (409: already indexed by an earlier try) counts as
// delivered; any other item error rejects the batch (the batcher retries it whole, the 409s make that safe).
import type { Client } from '@elastic/elasticsearch';
import { lazyModule } from '../../core/lazy-module.js';
import { ConfigError } from '../../core/errors.js';
import type { Sink, SinkRecord } from './sink.js';
import { optionBag, onlyKeys, optionalString, positiveInt, urlWithScheme } from './broker/options.js';
import type { OptionBag } from './broker/options.js';
import { indexTemplate } from './elasticsearch/index-template.js';
import { dayIndex, recordTimeMs } from './elasticsearch/day-index.js';

const esLib = lazyModule<typeof import('@elastic/elasticsearch')>('@elastic/elasticsearch');

export type ElasticsearchAuth = { username: string; password: string } | { apiKey: string };

export interface ElasticsearchSinkOptions {
  /** http(s)://host:port of a node. */
  node: string;
  /** Index names start with it (default `fleetgate`): `<prefix>-<type>-YYYY.MM.DD`. */
  indexPrefix?: string;
  auth?: ElasticsearchAuth;
  /** Per request (default 30000 ms). */
  timeoutMs?: number;
}

const KEYS = ['node', 'indexPrefix', 'auth', 'timeoutMs'];
// Index names: lower case, no \ / * ? " < > | , # : or space, not starting with - _ +.
const PREFIX = /^[a-z0-9][a-z0-9._-]{0,199}$/;

export function createElasticsearchSink(options: ElasticsearchSinkOptions | Record<string, unknown>): Sink {
  const o = optionBag('elasticsearch', options);
  onlyKeys('elasticsearch', o, KEYS);
  const node = urlWithScheme('elasticsearch', o, 'node', ['http', 'https']);
  const prefix = optionalString('elasticsearch', o, 'indexPrefix') ?? 'fleetgate';
  if (!PREFIX.test(prefix)) throw new ConfigError('sinks.elasticsearch.indexPrefix', 'must be lower case letters, digits, . _ - (starting with a letter or digit)');
  return new ElasticsearchSink(node, prefix, authOption(o), positiveInt('elasticsearch', o, 'timeoutMs', 30_000, 600_000));
}

function authOption(o: OptionBag): ElasticsearchAuth | undefined {
  const v = o.auth;
  if (v === undefined) return undefined;
  const a = optionBag('elasticsearch.auth', v);
  const str = (k: string): boolean => typeof a[k] === 'string' && (a[k] as string) !== '';
  if (Object.keys(a).length === 1 && str('apiKey')) return { apiKey: a.apiKey as string };
  if (Object.keys(a).length === 2 && str('username') && str('password')) return { username: a.username as string, password: a.password as string };
  throw new ConfigError('sinks.elasticsearch.auth', 'must be { username, password } or { apiKey }');
}

interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string | null };
}

class ElasticsearchSink implements Sink {
  readonly name = 'elasticsearch';
  private client: Client | null = null;
  private readonly dec = new TextDecoder();

  constructor(
    private readonly node: string,
    private readonly prefix: string,
    private readonly auth: ElasticsearchAuth | undefined,
    private readonly timeoutMs: number,
  ) {}

  async open(): Promise<void> {
    if (this.client) return;
    // The batcher retries; the client's own retries would only hide a destination that is down.
    const client = new (esLib().Client)({ node: this.node, auth: this.auth, requestTimeout: this.timeoutMs, maxRetries: 0 });
    try {
      await client.indices.putIndexTemplate(indexTemplate(this.prefix));
    } catch (e) {
      await client.close().catch(() => {});
      throw new Error(`elasticsearch sink: cannot put the index template ${this.prefix}-records: ${(e as Error).message}`);
    }
    this.client = client;
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('elasticsearch sink: write before open');
    if (batch.length === 0) return;
    // Action lines as objects, documents as their JSON text (the client's NDJSON writer passes strings through).
    const operations: unknown[] = [];
    for (const r of batch) {
      const text = this.dec.decode(r.body);
      let t = NaN;
      try {
        t = recordTimeMs(JSON.parse(text) as Record<string, unknown>);
      } catch {
        // not JSON: indexed under today's date; Elasticsearch reports the parse error per item
      }
      operations.push({ create: { _index: dayIndex(this.prefix, r.type, t), _id: r.id } }, text);
    }
    let res: { errors: boolean; items: Partial<Record<string, BulkItem>>[] };
    try {
      res = await client.bulk({ operations: operations as Record<string, unknown>[] });
    } catch (e) {
      throw new Error(`elasticsearch sink: bulk request failed: ${(e as Error).message}`);
    }
    if (!res.errors) return;
    let failed = 0;
    let first = '';
    res.items.forEach((item, i) => {
      const it = item.create;
      if (!it || it.status < 300 || it.status === 409) return;
      failed++;
      if (!first) first = `${batch[i]?.id}: ${it.status} ${it.error?.type ?? ''} ${it.error?.reason ?? ''}`.trim();
    });
    if (failed > 0) throw new Error(`elasticsearch sink: ${failed} of ${batch.length} records refused (first: ${first})`);
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.close().catch(() => {});
  }
}
