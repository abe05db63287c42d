// Runs one `fleetgate` command module as the CLI would: its exit code, or 1 with the error printed the
// way main.ts prints it. The e2e entry scripts (run-gateway.ts, run-serve.ts) are this and an import,
// so the tests (through `ip netns exec`) do not depend on how src/cli/main.ts registers commands.
import { FleetgateError } from '../../../src/core/errors.js';

export function runCommand(run: (argv: string[]) => Promise<number>): void {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e instanceof FleetgateError ? `fleetgate: ${e.message}` : e);
      process.exitCode = 1;
    },
  );
}
