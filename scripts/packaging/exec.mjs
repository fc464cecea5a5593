// @ts-check
/**
 * Runs a command with its output captured, for the packaging checks: they print a command's
 * output only when it failed, and run independent commands side by side.
 */
import { spawn } from 'node:child_process';

/**
 * @typedef {object} RunResult
 * @property {number} code the exit code (127 when the command could not start, 124 on timeout)
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} ms how long it ran
 */

/**
 * @typedef {object} RunOptions
 * @property {string} cwd the working directory
 * @property {NodeJS.ProcessEnv} [env] the environment. Default: this process's.
 * @property {number} [timeoutMs] killed (SIGKILL) after this long. Default: 120000.
 */

/**
 * Runs `command` with `args`; never rejects.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {RunOptions} options
 * @returns {Promise<RunResult>}
 */
export const run = (command, args, { cwd, env = process.env, timeoutMs = 120_000 }) =>
  new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = (/** @type {number} */ code, /** @type {string} */ extra = '') => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: stderr + extra, ms: performance.now() - started });
    };
    child.on('error', (error) => done(127, `\n${command}: ${error.message}`));
    child.on('close', (code) =>
      timedOut ? done(124, `\n${command}: killed after ${timeoutMs} ms`) : done(code ?? 1),
    );
  });

/**
 * The environment without npm's `npm_*` variables, so an `npm` run inside `npm test` does
 * not inherit the outer run's configuration (its prefix, workspace or script).
 * @returns {NodeJS.ProcessEnv}
 */
export const cleanNpmEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

/**
 * The last lines of a command's output, indented, for a problem's message.
 * @param {RunResult} result
 * @param {number} [lines]
 */
export const tail = (result, lines = 15) =>
  `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n');
