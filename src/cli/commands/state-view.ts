import type { Traffic as EngineTraffic } from '../../state/traffic.js';
import type { VpnState } from '../../state/vpn-state.js';
import { toJsonRecord } from '../json-format.js';
import { toJsonLine } from '../json-line.js';
import { createStatusRenderer, type StatusOutput } from '../status-renderer.js';

/** What stdout shows of a session: JSON lines, or the status line. */
export interface StateView {
  state(state: VpnState): void;
  traffic(traffic: EngineTraffic): void;
  /** The clock moved: redraws the elapsed time on a terminal. */
  tick(): void;
  /** Erases a status line drawn in place, before a log line goes to the same terminal. */
  clear(): void;
  /** Sets the status line aside while a prompt has the terminal. */
  suspend(): void;
  resume(): void;
  /** Leaves the cursor on a fresh line. */
  end(): void;
}

const ignore = (): void => undefined;

// `--json`: a line per state, nothing else ever reaches stdout. A state whose record differs
// from the previous one only in `at` (openvpn's `EXITING` while already stopping changes a
// field the format leaves out) is not repeated.
const jsonView = (output: StatusOutput): StateView => {
  let previous: string | undefined;
  return {
    state: (state) => {
      const record = toJsonRecord(state);
      const { at: _at, ...rest } = record;
      const key = JSON.stringify(rest);
      if (key === previous) return;
      previous = key;
      output.write(toJsonLine(record));
    },
    traffic: ignore,
    tick: ignore,
    clear: ignore,
    suspend: ignore,
    resume: ignore,
    end: ignore,
  };
};

const statusView = (output: StatusOutput, now: () => number): StateView => {
  const renderer = createStatusRenderer(output);
  let latest: VpnState | undefined;
  let traffic: EngineTraffic | undefined;
  let suspended = false;
  const draw = (): void => {
    if (latest !== undefined && !suspended) renderer.update(latest, traffic, now());
  };
  return {
    state: (state) => {
      latest = state;
      draw();
    },
    traffic: (sample) => {
      traffic = sample;
      draw();
    },
    tick: draw,
    clear: () => {
      renderer.clear();
    },
    suspend: () => {
      suspended = true;
      renderer.clear();
    },
    resume: () => {
      suspended = false;
      draw();
    },
    end: () => {
      renderer.end();
    },
  };
};

/**
 * The view of `connect` and `demo`: JSON lines with `json`, else the status line (redrawn in
 * place on a terminal, a line per change elsewhere). `now` is epoch ms, for elapsed times.
 */
export const createStateView = (
  output: StatusOutput,
  options: { readonly json: boolean; readonly now: () => number },
): StateView => (options.json ? jsonView(output) : statusView(output, options.now));
