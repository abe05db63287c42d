// fleetgate devices list|import — over the REST API.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { CLIENT_OPTIONS, printTable } from '../../api/client.js';
import { FleetgateError } from '../../core/errors.js';
import { startClientCommand } from '../client-command.js';

const HELP = `usage: fleetgate devices list --gateway <id> [--group <g>] [--status active|quarantined] [--json]
       fleetgate devices import --gateway <id> <file.csv>   (columns imsi,ip,name,group,tags; all or nothing)
common: --url <api url> --key <api key> (or FLEETGATE_URL / FLEETGATE_KEY)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CLIENT_OPTIONS, gateway: { type: 'string', short: 'g' }, group: { type: 'string' }, status: { type: 'string' } },
  });
  const [sub, file] = positionals;
  const start = startClientCommand(values, sub, HELP, { needsGateway: true });
  if (typeof start === 'number') return start;
  const { api, gateway } = start;
  const gw = encodeURIComponent(gateway);
  if (sub === 'list') {
    const q = new URLSearchParams();
    if (values.group) q.set('group', values.group);
    if (values.status) q.set('status', values.status);
    const r = await api.request<{ items: Record<string, unknown>[] }>('GET', `/v1/gateways/${gw}/devices${q.size ? `?${q}` : ''}`);
    printTable(r.items, ['id', 'ip', 'imsi', 'name', 'group', 'tags', 'status'], values.json);
    return 0;
  }
  if (sub === 'import') {
    if (!file) throw new FleetgateError('FG_ERR_USAGE', 'devices import needs a CSV file');
    const r = await api.request<{ created: number; updated: number }>('POST', `/v1/gateways/${gw}/devices/import`, readFileSync(file, 'utf8'), 'text/csv');
    console.log(`imported: ${r.created} created, ${r.updated} updated`);
    return 0;
  }
  console.error(HELP);
  return 2;
}
