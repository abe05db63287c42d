// An Elasticsearch stand-in on 127.0.0.1 (Elasticsearch cannot run on this machine): answers the index
// template PUT and `_bulk` like Elasticsearch 9 (with the `x-elastic-product` header the v9 client checks),
// parses the NDJSON strictly (action line + document line, `create` with `_index` and `_id`) and keeps
// what it indexed. A second `create` of an id in the same index gets 409, as in Elasticsearch.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { listenLoopback } from './listen.js';

export interface EsDoc {
  index: string;
  id: string;
  source: string;
}

export interface EsRequestSeen {
  method: string;
  path: string;
  contentType: string;
  accept: string;
  authorization: string;
}

export class EsStandIn {
  readonly docs: EsDoc[] = [];
  readonly templates = new Map<string, Record<string, unknown>>();
  readonly requests: EsRequestSeen[] = [];
  /** Malformed requests seen (a test asserts this stays empty). */
  readonly problems: string[] = [];
  /** When set, every bulk item whose id matches is answered with this status (e.g. 400 mapper_parsing_exception). */
  failItem: { match: RegExp; status: number; type: string } | null = null;
  /** When set, every request is answered with this HTTP status. */
  failHttp = 0;
  private server: Server | null = null;
  private readonly ids = new Map<string, Set<string>>();

  private constructor(public port: number) {}

  static async start(port = 0): Promise<EsStandIn> {
    const s = new EsStandIn(port);
    await s.listen();
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    this.port = await listenLoopback(server, this.port);
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    const method = req.method ?? '';
    this.requests.push({
      method,
      path,
      contentType: String(req.headers['content-type'] ?? ''),
      accept: String(req.headers.accept ?? ''),
      authorization: String(req.headers.authorization ?? ''),
    });
    if (this.failHttp) return this.reply(res, this.failHttp, { error: { type: 'stand_in_failure', reason: 'told to fail' }, status: this.failHttp });
    const tpl = /^\/_index_template\/([^/]+)$/.exec(path);
    if (tpl && method === 'PUT') return this.putTemplate(decodeURIComponent(tpl[1]), body, res);
    if (path === '/_bulk' && (method === 'POST' || method === 'PUT')) return this.bulk(req, body, res);
    this.problems.push(`unexpected ${method} ${path}`);
    this.reply(res, 404, { error: { type: 'not_found', reason: `${method} ${path}` }, status: 404 });
  }

  private putTemplate(name: string, body: string, res: ServerResponse): void {
    try {
      const t = JSON.parse(body) as Record<string, unknown>;
      if (!Array.isArray(t.index_patterns) || typeof t.template !== 'object') throw new Error('index_patterns and template are required');
      this.templates.set(name, t);
      this.reply(res, 200, { acknowledged: true });
    } catch (e) {
      this.problems.push(`template ${name}: ${(e as Error).message}`);
      this.reply(res, 400, { error: { type: 'parse_exception', reason: (e as Error).message }, status: 400 });
    }
  }

  private bulk(req: IncomingMessage, body: string, res: ServerResponse): void {
    const ct = String(req.headers['content-type'] ?? '');
    if (!/x-ndjson/.test(ct)) this.problems.push(`bulk content-type ${ct}`);
    if (!body.endsWith('\n')) this.problems.push('bulk body does not end with a newline');
    const lines = body.split('\n');
    lines.pop();
    if (lines.length % 2 !== 0) {
      this.problems.push(`bulk body has ${lines.length} lines (action + document pairs expected)`);
      return this.reply(res, 400, { error: { type: 'illegal_argument_exception', reason: 'odd line count' }, status: 400 });
    }
    const items: unknown[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i += 2) {
      let action: { create?: { _index?: unknown; _id?: unknown } };
      try {
        action = JSON.parse(lines[i]) as typeof action;
        JSON.parse(lines[i + 1]);
      } catch (e) {
        this.problems.push(`bulk line ${i}: ${(e as Error).message}`);
        return this.reply(res, 400, { error: { type: 'x_content_parse_exception', reason: 'bad line' }, status: 400 });
      }
      const c = action.create;
      if (!c || typeof c._index !== 'string' || typeof c._id !== 'string' || Object.keys(action).length !== 1) {
        this.problems.push(`bulk line ${i}: not a create action with _index and _id: ${lines[i]}`);
        return this.reply(res, 400, { error: { type: 'illegal_argument_exception', reason: 'bad action' }, status: 400 });
      }
      const index = c._index;
      const id = c._id;
      let set = this.ids.get(index);
      if (!set) this.ids.set(index, (set = new Set()));
      if (this.failItem && this.failItem.match.test(id)) {
        errors = true;
        items.push({ create: { _index: index, _id: id, status: this.failItem.status, error: { type: this.failItem.type, reason: 'stand-in refused it' } } });
      } else if (set.has(id)) {
        errors = true;
        items.push({ create: { _index: index, _id: id, status: 409, error: { type: 'version_conflict_engine_exception', reason: `[${id}]: version conflict, document already exists` } } });
      } else {
        set.add(id);
        this.docs.push({ index, id, source: lines[i + 1] });
        items.push({ create: { _index: index, _id: id, _version: 1, result: 'created', status: 201, _seq_no: this.docs.length - 1, _primary_term: 1 } });
      }
    }
    this.reply(res, 200, { errors, took: 1, items });
  }
}
