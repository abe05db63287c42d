// Config-test helpers: the problems a config text is refused with, and a check for one of them.
import assert from 'node:assert/strict';
import { ConfigError } from '../../../../src/core/errors.js';
import { parseConfig, ConfigProblems } from '../../../../src/control/config/index.js';

/** The ConfigProblems that parsing `text` throws (fails the test when the text is accepted). */
export function problemsOf(text: string): ConfigProblems {
  try {
    parseConfig(text, 'fleet.yaml');
  } catch (e) {
    assert.ok(e instanceof ConfigProblems, `expected ConfigProblems, got ${String(e)}`);
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'FG_ERR_CONFIG');
    return e;
  }
  assert.fail('config was accepted');
}

/** Asserts one problem sits at `path` and its text contains `part`. */
export function hasProblem(e: ConfigProblems, path: string, part: string): void {
  assert.ok(
    e.problems.some((p) => p.path === path && p.problem.includes(part)),
    `no problem at ${path} containing "${part}" in:\n${e.message}`,
  );
}

/** Every problem of `text` as "path: problem" (none when the text is accepted). */
export function problemLines(text: string): string[] {
  try {
    parseConfig(text, 'f.yaml');
  } catch (e) {
    if (e instanceof ConfigProblems) return e.problems.map((p) => `${p.path}: ${p.problem}`);
    throw e;
  }
  return [];
}

/** A minimal config whose gateway has the section `key` with the given (already indented) lines. */
export function withGatewaySection(key: string, body: string): string {
  return `operator: { id: op }\ngateway:\n  id: gw\n  deviceSubnets: [10.128.0.0/24]\n  ${key}:\n${body}\n`;
}
