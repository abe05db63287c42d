// fleetgate gateways list|create — over the REST API.
import { parseArgs } from 'node:util';
import { CLIENT_OPTIONS, printTable } from '../../api/client.js';
import { startClientCommand } from '../client-command.js';

const HELP = `usage: fleetgate gateways list [--json]
       fleetgate gateways create --subnet <cidr> [--subnet <cidr>…] [--name <name>]
common: --url <api url> --key <api key> (or FLEETGATE_URL / FLEETGATE_KEY)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...CLIENT_OPTIONS, name: { type: 'string' }, subnet: { type: 'string', multiple: true } } });
  const [sub] = positionals;
  const start = startClientCommand(values, sub, HELP, { needsGateway: false });
  if (typeof start === 'number') return start;
  const { api } = start;
  if (sub === 'list') {
    const r = await api.request<{ items: Record<string, unknown>[] }>('GET', '/v1/gateways');
    printTable(r.items, ['id', 'name', 'deviceSubnets', 'version'], values.json);
    return 0;
  }
  if (sub === 'create') {
    const g = await api.request<{ id: string }>('POST', '/v1/gateways', { deviceSubnets: values.subnet ?? [], ...(values.name && { name: values.name }) });
    console.log(g.id);
    return 0;
  }
  console.error(HELP);
  return 2;
}
