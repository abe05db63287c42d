// Every problem found in a config file, reported at once: a user fixing a config wants the whole list.
import { ConfigError } from '../../core/errors.js';

/** One problem, with the line and column (1-based) of the place it names when known. */
export class ConfigProblem extends ConfigError {
  constructor(
    path: string,
    problem: string,
    file?: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(path, problem, file);
    const where = file ? `${file}${line ? `:${line}:${col ?? 1}` : ''}: ` : line ? `line ${line}:${col ?? 1}: ` : '';
    this.message = `${where}${path || '(root)'}: ${problem}`;
  }
}

/**
 * Thrown by parseConfig/loadConfig. It IS a ConfigError (path/problem of the first problem) and
 * carries all of them in `problems`; the message has one problem per line, in file order.
 */
export class ConfigProblems extends ConfigError {
  constructor(
    readonly problems: readonly ConfigProblem[],
    file?: string,
  ) {
    super(problems[0]?.path ?? '', problems[0]?.problem ?? 'invalid config', file);
    this.message = problems.map((p) => p.message).join('\n');
    this.details.problems = problems.map((p) => ({ path: p.path, problem: p.problem, line: p.line, col: p.col }));
  }
}
