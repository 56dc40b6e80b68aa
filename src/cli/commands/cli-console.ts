import type { Logger } from '../../core/logger.js';
import { sanitizeForTerminal } from '../sanitize.js';
import type { CliIo } from './cli-io.js';
import { createStateView, type StateView } from './state-view.js';
import { createStderrLogger } from './stderr-logger.js';

/** What a command prints through: the state on stdout, logs and errors on stderr. */
export interface CliConsole {
  readonly view: StateView;
  readonly logger: Logger;
  /** One `rx-openvpn: <message>` line on stderr, sanitised. */
  error(message: string): void;
}

/** Options of {@link createCliConsole}. */
export interface CliConsoleOptions {
  readonly json: boolean;
  /** How many `-v` were given. */
  readonly verbosity: number;
  /** Epoch ms. */
  readonly now: () => number;
}

/**
 * The console of `connect` and `demo`. A status line drawn in place on a terminal is erased
 * before each stderr line and drawn again after it, so the two never mix on one row.
 */
export function createCliConsole(io: CliIo, options: CliConsoleOptions): CliConsole {
  const view = createStateView(io.stdout, options);
  const logger = createStderrLogger(io.stderr, {
    verbosity: options.verbosity,
    beforeWrite: () => {
      view.clear();
    },
    afterWrite: () => {
      view.tick();
    },
  });
  return {
    view,
    logger,
    error: (message) => {
      view.clear();
      io.stderr.write(`rx-openvpn: ${sanitizeForTerminal(message)}\n`);
    },
  };
}
