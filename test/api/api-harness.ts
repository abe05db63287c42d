// Test support: a real API server on loopback with two operators (A and B), each with a read+write key.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Store } from '../../src/control/store/store.js';
import { systemActor } from '../../src/control/auth/actor.js';
import { buildServer, type ServerOptions } from '../../src/api/server.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface Harness {
  store: Store;
  app: FastifyInstance;
  base: string;
  keyA: string;
  keyB: string;
  call(key: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export async function startApi(opts: Partial<ServerOptions> & { store?: Store } = {}): Promise<Harness> {
  const store = opts.store ?? Store.open(':memory:');
  for (const id of ['op-a', 'op-b']) if (!store.operators.get(id)) store.operators.create(id);
  const keyA = store.operators.createKey(systemActor('op-a'), 'admin', ['read', 'write']).key;
  const keyB = store.operators.createKey(systemActor('op-b'), 'admin', ['read', 'write']).key;
  const app = buildServer({ ...opts, store });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const call: Harness['call'] = async (key, method, path, body, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (key !== null) h.authorization = `Bearer ${key}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const r = await fetch(base + path, { method, headers: h, body: payload });
    const text = await r.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: r.status, headers: r.headers, text, json };
  };
  return {
    store,
    app,
    base,
    keyA,
    keyB,
    call,
    close: async () => {
      await app.close();
      store.close();
    },
  };
}
