// Serves the built dashboard (ui/dist, see ui/vite.config.ts) at / and /assets/*, outside /v1 and
// without authentication (the page asks for an operator key and sends it to /v1 itself). Every page
// carries a strict Content-Security-Policy: scripts only from this origin, so a device-controlled
// string that ever reached the DOM as markup could still not run.
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** ui/dist beside the package (dist/src/api/static.js → ../../../ui/dist). */
export function defaultUiDir(): string {
  return fileURLToPath(new URL('../../../ui/dist/', import.meta.url));
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

/** Registers the dashboard routes; when the UI is not built, / says how to build it. */
export function registerDashboard(app: FastifyInstance, uiDir: string = defaultUiDir()): void {
  const root = resolve(uiDir);
  const index = join(root, 'index.html');
  const page = async (_req: unknown, reply: FastifyReply) => {
    secure(reply);
    if (!existsSync(index)) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The dashboard is not built: run `npm run build:ui` (npm install does it).\n');
    }
    return reply.type(TYPES['.html']).header('cache-control', 'no-cache').send(readFileSync(index));
  };
  const hide = { schema: { hide: true } };
  app.get('/', hide, page);
  app.get('/index.html', hide, page);
  app.get('/assets/*', hide, async (req, reply) => {
    const rel = (req.params as { '*': string })['*'];
    const file = resolve(root, 'assets', rel);
    // Only files inside ui/dist/assets: no traversal, no dot files.
    if (!file.startsWith(join(root, 'assets') + sep) || rel.split('/').some((s) => s.startsWith('.')) || !existsSync(file)) {
      return reply.code(404).send({ error: { code: 'FG_API_NOT_FOUND', message: 'no such asset' } });
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // Vite names assets by content hash: cache them for good.
    return secure(reply).type(type).header('cache-control', 'public, max-age=31536000, immutable').send(readFileSync(file));
  });
}
