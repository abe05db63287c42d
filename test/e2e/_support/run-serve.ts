// Runs `fleetgate serve` from the compiled command module, exactly as the CLI would (run-command.ts).
import { run } from '../../../src/cli/commands/serve.js';
import { runCommand } from './run-command.js';

runCommand(run);
