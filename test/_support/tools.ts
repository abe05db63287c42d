// Test helpers for external tools and the shared corpus: skip with a one-line reason on a developer
// machine that lacks them, but FAIL in CI (CI=true), where .ci/run installs everything.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { loadNative, nativeLoadError } from '../../src/io/native/index.js';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** True when the tool is present; otherwise skips the test (or fails it in CI) and returns false. */
export function needTool(t: TestContext, name: string): boolean {
  if (hasTool(name)) return true;
  if (process.env.CI) throw new Error(`${name} is not installed, but CI must run this test (.ci/run installs it)`);
  t.skip(`${name} is not installed (CI installs it)`);
  return false;
}

/** True when the native addon loads; otherwise skips the test (or fails it in CI, where it is built) and returns false. */
export function needNative(t: TestContext): boolean {
  if (loadNative()) return true;
  if (process.env.CI) throw new Error(`native addon not built: ${nativeLoadError()} (CI must run this test)`);
  t.skip(`native addon not built: ${nativeLoadError()}`);
  return false;
}

/** Absolute path of the shared corpus folder, or null (with the test skipped) when it is absent. */
export function corpusDir(t: TestContext, sub: string): string | null {
  const dir = resolve(process.cwd(), '../shared/corpus', sub);
  if (existsSync(dir)) return dir;
  t.skip(`../shared/corpus/${sub} is absent (peer test data lives beside the checkout)`);
  return null;
}
