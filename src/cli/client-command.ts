// The common start of the REST client commands (gateways, devices, peers, outputs, captures, keys):
// no sub-command or --help prints the usage; --gateway is checked when the command needs one; then the
// API client (which wants --key or FLEETGATE_KEY).
import { ApiClient, type ClientOptions } from '../api/client.js';
import { FleetgateError } from '../core/errors.js';

export interface ClientCommand {
  api: ApiClient;
  /** The --gateway id ('' for commands that take none). */
  gateway: string;
}

/** The client and gateway to run `sub` with, or the exit code when the usage was printed instead. */
export function startClientCommand(
  values: ClientOptions & { help?: boolean; gateway?: string },
  sub: string | undefined,
  help: string,
  opts: { needsGateway: boolean },
): ClientCommand | number {
  if (values.help || !sub) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  if (opts.needsGateway && !values.gateway) throw new FleetgateError('FG_ERR_USAGE', '--gateway is required');
  return { api: new ApiClient(values), gateway: values.gateway ?? '' };
}
