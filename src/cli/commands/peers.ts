// fleetgate peers list|add|remove — Junction mirroring peers, over the REST API.
import { parseArgs } from 'node:util';
import { CLIENT_OPTIONS, printTable } from '../../api/client.js';
import { FleetgateError } from '../../core/errors.js';
import { startClientCommand } from '../client-command.js';

const HELP = `usage: fleetgate peers list --gateway <id> [--json]
       fleetgate peers add --gateway <id> <ip> [--protocol gre|vxlan] [--vni n] [--gre-key n] [--truncate bytes] [--description text] [--disabled]
       fleetgate peers remove --gateway <id> <ip>
common: --url <api url> --key <api key> (or FLEETGATE_URL / FLEETGATE_KEY)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CLIENT_OPTIONS,
      gateway: { type: 'string', short: 'g' },
      protocol: { type: 'string' },
      vni: { type: 'string' },
      'gre-key': { type: 'string' },
      truncate: { type: 'string' },
      description: { type: 'string' },
      disabled: { type: 'boolean' },
    },
  });
  const [sub, ip] = positionals;
  const start = startClientCommand(values, sub, HELP, { needsGateway: true });
  if (typeof start === 'number') return start;
  const { api, gateway } = start;
  const base = `/v1/gateways/${encodeURIComponent(gateway)}/junction/mirroring/peers`;
  if (sub === 'list') {
    const r = await api.request<{ items: Record<string, unknown>[] }>('GET', base);
    printTable(r.items, ['ipAddress', 'protocol', 'key', 'vni', 'enabled', 'truncate', 'description'], values.json);
    return 0;
  }
  if (!ip) throw new FleetgateError('FG_ERR_USAGE', `peers ${sub} needs the peer's IP address`);
  if (sub === 'add') {
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const body = {
      ipAddress: ip,
      protocol: values.protocol ?? 'gre',
      enabled: !values.disabled,
      ...(values.vni !== undefined && { vni: num(values.vni) }),
      ...(values['gre-key'] !== undefined && { key: num(values['gre-key']) }),
      ...(values.truncate !== undefined && { truncate: num(values.truncate) }),
      ...(values.description !== undefined && { description: values.description }),
    };
    const p = await api.request<{ ipAddress: string }>('POST', base, body);
    console.log(`added mirroring peer ${p.ipAddress}`);
    return 0;
  }
  if (sub === 'remove') {
    await api.request('DELETE', `${base}/${encodeURIComponent(ip)}`);
    console.log(`removed mirroring peer ${ip}`);
    return 0;
  }
  console.error(HELP);
  return 2;
}
