// fleetgate keys create|list|revoke — API keys, over the REST API.
import { parseArgs } from 'node:util';
import { CLIENT_OPTIONS, printTable } from '../../api/client.js';
import { FleetgateError } from '../../core/errors.js';
import { startClientCommand } from '../client-command.js';

const HELP = `usage: fleetgate keys create <name> [--scope read] [--scope write]   (prints the key once)
       fleetgate keys list [--json]
       fleetgate keys revoke <key id>
common: --url <api url> --key <api key> (or FLEETGATE_URL / FLEETGATE_KEY)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...CLIENT_OPTIONS, scope: { type: 'string', multiple: true } } });
  const [sub, arg] = positionals;
  const start = startClientCommand(values, sub, HELP, { needsGateway: false });
  if (typeof start === 'number') return start;
  const { api } = start;
  if (sub === 'list') {
    const r = await api.request<{ items: Record<string, unknown>[] }>('GET', '/v1/keys');
    printTable(r.items, ['id', 'name', 'scopes', 'created', 'lastUsed'], values.json);
    return 0;
  }
  if (!arg) throw new FleetgateError('FG_ERR_USAGE', `keys ${sub} needs ${sub === 'create' ? 'a name' : 'a key id'}`);
  if (sub === 'create') {
    const k = await api.request<{ id: string; key: string }>('POST', '/v1/keys', { name: arg, scopes: values.scope ?? ['read'] });
    console.log(`key ${k.id} (shown once, store it now):\n${k.key}`);
    return 0;
  }
  if (sub === 'revoke') {
    await api.request('DELETE', `/v1/keys/${encodeURIComponent(arg)}`);
    console.log(`revoked ${arg}`);
    return 0;
  }
  console.error(HELP);
  return 2;
}
