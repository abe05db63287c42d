// Runs `fleetgate gateway` from the compiled command module, exactly as the CLI would (used by the e2e
// tests through `ip netns exec`, so they do not depend on how src/cli/main.ts registers commands).
import { run } from '../../../src/cli/commands/gateway.js';
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
