import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { OPENVPN_BIN } from '../../test/integration/lab/lab.js';
import { stamp } from './clock.js';

/** An openvpn started without the engine. */
export interface BareOpenvpn {
  readonly pid: number;
  /** Just before `spawn` was called. */
  readonly spawnedAt: bigint;
  /** Resolves at the `data` event of the first stdout chunk with a line matching `pattern`. */
  lineSeen(pattern: RegExp): Promise<bigint>;
  /** Sends SIGTERM; resolves at the child's `exit` event. */
  terminate(): Promise<{ readonly signalledAt: bigint; readonly exitedAt: bigint }>;
}

// Seconds a bare openvpn may take to die of SIGTERM before the cleanup sends SIGKILL.
const CLEANUP_GRACE_MS = 3_000;

/** Starts bare openvpn processes and makes sure none outlives {@link BareOpenvpns.stopAll}. */
export class BareOpenvpns {
  readonly #children = new Set<ChildProcess>();

  async start(args: readonly string[]): Promise<BareOpenvpn> {
    const spawnedAt = stamp();
    const child = spawn(OPENVPN_BIN, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#children.add(child);
    const exit = new Promise<bigint>((resolve) =>
      child.once('exit', () => {
        const at = stamp();
        this.#children.delete(child);
        resolve(at);
      }),
    );
    await once(child, 'spawn');
    const pid = child.pid ?? -1;
    let text = '';
    const watchers: { pattern: RegExp; resolve: (at: bigint) => void }[] = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const at = stamp();
      // Only whole lines are tested; a line cut across two chunks counts when it is complete.
      text += chunk;
      const lastEnd = text.lastIndexOf('\n');
      if (lastEnd === -1) return;
      const complete = text.slice(0, lastEnd);
      text = text.slice(lastEnd + 1);
      for (const watcher of [...watchers]) {
        if (watcher.pattern.test(complete)) {
          watchers.splice(watchers.indexOf(watcher), 1);
          watcher.resolve(at);
        }
      }
    });
    child.stderr.resume();
    return {
      pid,
      spawnedAt,
      lineSeen: (pattern) => new Promise((resolve) => watchers.push({ pattern, resolve })),
      terminate: async () => {
        const signalledAt = stamp();
        child.kill('SIGTERM');
        return { signalledAt, exitedAt: await exit };
      },
    };
  }

  /** SIGTERM to every child still running, SIGKILL after a grace; resolves once all exited. */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.#children].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), CLEANUP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.#children.clear();
  }
}
