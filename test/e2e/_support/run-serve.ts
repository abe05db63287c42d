// Runs `fleetgate serve` from the compiled command module, exactly as the CLI would (used by the e2e
// tests through `ip netns exec`, like run-gateway.ts).
import { run } from '../../../src/cli/commands/serve.js';
import { FleetgateError } from '../../../src/core/errors.js';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof FleetgateError ? `fleetgate: ${e.message}` : e);
    process.exitCode = 1;
  },
);
