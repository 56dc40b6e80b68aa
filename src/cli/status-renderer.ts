import type { VpnState } from '../state/vpn-state.js';
import { statusLine, statusParts } from './status-line.js';
import type { Traffic } from './status-line.js';

/** Where the status goes: `process.stdout` or a fake of it. */
export interface StatusOutput {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal width; lines are cut to fit it. */
  readonly columns?: number;
}

/** Shows the status of a session as it changes. */
export interface StatusRenderer {
  /** Shows the status at `now` (epoch ms); call on every state, traffic sample and tick. */
  update(state: VpnState, traffic: Traffic | undefined, now: number): void;
  /** Erases the line in place, before other output is written to the same terminal. */
  clear(): void;
  /** Ends the line in place so that what follows starts on a fresh line. */
  end(): void;
}

const CARRIAGE_RETURN = '\r';
// ECMA-48 EL (erase in line) with the default parameter: from the cursor to the end.
const CLEAR_TO_END_OF_LINE = '\u001b[K';
const ELLIPSIS = '…';

// Cut by code points; wide (CJK) characters take two columns and may still wrap.
const fit = (line: string, columns: number | undefined): string => {
  if (columns === undefined || columns < 2) return line;
  // Writing into the last column makes some terminals wrap, and `\r` then redraws one row down.
  const width = columns - 1;
  const chars = Array.from(line);
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}${ELLIPSIS}`;
};

// A terminal: one line redrawn in place, only when its text changes.
const inPlaceRenderer = (output: StatusOutput): StatusRenderer => {
  let drawn: string | undefined;
  return {
    update: (state, traffic, now) => {
      const line = fit(statusLine(state, traffic, now), output.columns);
      if (line === drawn) return;
      output.write(`${CARRIAGE_RETURN}${line}${CLEAR_TO_END_OF_LINE}`);
      drawn = line;
    },
    clear: () => {
      if (drawn === undefined) return;
      output.write(`${CARRIAGE_RETURN}${CLEAR_TO_END_OF_LINE}`);
      drawn = undefined;
    },
    end: () => {
      if (drawn === undefined) return;
      output.write('\n');
      drawn = undefined;
    },
  };
};

// A pipe or file: a line per state change; the clock and traffic alone print nothing.
const lineRenderer = (output: StatusOutput): StatusRenderer => {
  let printed: string | undefined;
  return {
    update: (state, traffic, now) => {
      const { summary } = statusParts(state, traffic, now);
      if (summary === printed) return;
      output.write(`${statusLine(state, traffic, now)}\n`);
      printed = summary;
    },
    clear: () => undefined,
    end: () => undefined,
  };
};

/**
 * A renderer that redraws one line in place (`\r`, text, clear to end of line) when `output`
 * is a terminal, and otherwise writes a line each time the state changes, never control
 * characters.
 */
export const createStatusRenderer = (output: StatusOutput): StatusRenderer =>
  output.isTTY === true ? inPlaceRenderer(output) : lineRenderer(output);
