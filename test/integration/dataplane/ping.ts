import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What ping's closing summary says about one run. */
export interface PingSummary {
  readonly transmitted: number;
  readonly received: number;
}

export interface PingOptions {
  readonly count: number;
  /** ICMP payload of each echo request (`-s`); the reply carries the same. */
  readonly payloadBytes: number;
  /** Gap between requests (`-i`). */
  readonly intervalS: number;
  /** How long ping waits for each reply (`-W`). */
  readonly replyWaitS: number;
  /** When ping gives up on the whole run (`-w`), replies or not. */
  readonly deadlineS: number;
}

/** Fails the test loudly when ping is not installed, rather than letting `ip` say so. */
async function requirePing(): Promise<void> {
  try {
    await run('ping', ['-V']);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const install = 'apt-get install -y iputils-ping';
    throw new Error(`ping is not installed; the data-plane test needs it: ${install}`, {
      cause: error,
    });
  }
}

const SUMMARY = /(\d+) packets transmitted, (\d+) received/;

/**
 * Pings `target` from inside network namespace `ns` and resolves with ping's summary. ping
 * exits non-zero when replies are missing; its summary is read all the same, so the caller's
 * assertion shows how many came back. Without a summary (no route, say) this throws with
 * what ping printed.
 */
export async function pingFrom(
  ns: string,
  target: string,
  options: PingOptions,
): Promise<PingSummary> {
  await requirePing();
  const args = [
    ...['netns', 'exec', ns, 'ping', '-n', '-q'],
    ...['-c', String(options.count), '-s', String(options.payloadBytes)],
    ...['-i', String(options.intervalS), '-W', String(options.replyWaitS)],
    ...['-w', String(options.deadlineS), target],
  ];
  let output: string;
  try {
    output = (await run('ip', args)).stdout;
  } catch (error) {
    // A numeric code is ping's exit status; anything else (ip missing, say) is not ping's.
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
  const counts = SUMMARY.exec(output);
  if (counts === null) throw new Error(`ping printed no summary:\n${output}`);
  return { transmitted: Number(counts[1]), received: Number(counts[2]) };
}
