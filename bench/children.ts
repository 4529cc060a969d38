import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import type { ChildMessage, ParentMessage, ProcessWindowReport } from './ipc.js';

const READY_TIMEOUT_MS = 60_000;
const REPLY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG_TAIL_LINES = 40;

/**
 * A server under test in its own process, so its CPU, memory and event-loop lag are its own. Talks to the
 * probe in the child (bench/probe.ts) over the IPC channel; keeps the tail of its output for error reports.
 */
export class BenchChild {
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly ready: Extract<ChildMessage, { type: 'ready' }>,
    /** The last lines the child printed, shared with the listeners that fill it. */
    private readonly logTail: string[],
  ) {}

  static async start(
    name: string,
    scriptUrl: URL,
    env: Record<string, string>,
    extraExecArgv: string[] = [],
  ): Promise<BenchChild> {
    const child = fork(scriptUrl, [], {
      execArgv: ['--import', 'tsx', ...extraExecArgv],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (tail.length > LOG_TAIL_LINES) tail.splice(0, tail.length - LOG_TAIL_LINES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${READY_TIMEOUT_MS} ms:\n${tail.join('\n')}`));
      }, READY_TIMEOUT_MS);
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message);
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`${name} failed to start: ${message.message}\n${tail.join('\n')}`));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited during start-up (code ${code}, signal ${signal}):\n${tail.join('\n')}`));
      });
    });
    return new BenchChild(name, child, ready, tail);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.logTail.join('\n');
  }

  startWindow(name: string): void {
    this.send({ type: 'window-start', name });
  }

  /** Closes the named measurement window and returns what the child measured in it. */
  endWindow(name: string): Promise<ProcessWindowReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        reject(new Error(`${this.name} did not report window ${name} within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      const onMessage = (message: ChildMessage) => {
        if (message.type !== 'window' || message.name !== name) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(message.report);
      };
      this.child.on('message', onMessage);
      this.send({ type: 'window-end', name });
    });
  }

  /** Asks the child to shut down cleanly; kills it if it does not exit in time. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = once(this.child, 'exit');
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.kill(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  private send(message: ParentMessage): void {
    if (this.alive && this.child.connected) this.child.send(message);
  }
}
