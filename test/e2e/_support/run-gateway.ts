// Runs `fleetgate gateway` from the compiled command module, exactly as the CLI would (run-command.ts).
import { run } from '../../../src/cli/commands/gateway.js';
import { runCommand } from './run-command.js';

runCommand(run);
