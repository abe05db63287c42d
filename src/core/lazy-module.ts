// Loads a dependency on first use. `fleetgate replay` with no outputs must not pay for the client
// libraries of every sink (mqtt, nats, pg, prom-client, ajv: ~400 files, a third of a second at start).
// createRequire gives a synchronous load; these packages all ship CommonJS builds.
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

export function lazyModule<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= requireFromHere(id) as T);
}
