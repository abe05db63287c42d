// fleetgate flows <capture> [--config f] [--device-subnet cidr]...: one stable, sorted line per flow.
import { parseArgs } from 'node:util';
import { collectFlows } from '../../pipeline/collect-flows.js';
import { fleetSetup } from '../fleet-setup.js';
import { FleetgateError } from '../../core/errors.js';

const HELP = `usage: fleetgate flows <capture> [--config <file>] [--device-subnet <cidr>]...

Prints every flow of the capture on one line, sorted:
  <L4> <A>:<port> <-> <B>:<port> pkts <A→B>/<B→A> bytes <A→B>/<B→A> device <imsi|ip|-> app <name>/<method>
A is the sender of the flow's first packet; bytes are IP-layer bytes; '->' means one direction only.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'device-subnet': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new FleetgateError('FG_ERR_USAGE', `flows takes one capture file\n\n${HELP}`);
  const setup = fleetSetup({ config: values.config, deviceSubnets: values['device-subnet'] });
  const { lines, error } = await collectFlows(positionals[0], { devices: setup.devices, catalog: setup.catalog, flowCapacity: setup.flowCapacity });
  process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
  if (error) {
    console.error(`fleetgate: ${error} (flows before it are listed)`);
    return 1;
  }
  return 0;
}
