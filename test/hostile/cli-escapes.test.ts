import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { EMPTY } from 'rxjs';
import { createCliConsole } from '../../src/cli/commands/cli-console.js';
import type { CliIo } from '../../src/cli/commands/cli-io.js';
import { statusLine } from '../../src/cli/status-line.js';
import type { VpnState } from '../../src/state/vpn-state.js';

/** Text a hostile peer or server could put in >LOG, >INFOMSG, >ECHO and reason strings. */
const HOSTILE =
  'x\u001b[2J\u001b]0;owned\u0007\u009b31m\u001bP1$r\u001b\\\u0008\r\n\u202etxt.exe\u0000\u007f';

// Everything a terminal acts on: C0 (LF allowed only as a line end), DEL, C1, bidi overrides.
const CONTROL =
  // eslint-disable-next-line no-control-regex -- exactly the characters that must not come out
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const at = 1_700_000_000_000;

const states: readonly VpnState[] = [
  { phase: 'reconnecting', at, reason: 'tls-error', rawReason: HOSTILE, attempt: 2 },
  { phase: 'failed', at, error: { code: 'AUTH_FAILED', message: HOSTILE } },
  { phase: 'stopped', at, signal: HOSTILE },
  {
    phase: 'connected',
    at,
    since: at,
    localIpv4: HOSTILE,
    remote: { host: HOSTILE, port: 1194 },
  },
];

/** Captures what the CLI writes; stdout is no terminal, so no redraw sequences of our own. */
const capture = () => {
  const chunks: string[] = [];
  const sink = { write: (chunk: string) => chunks.push(chunk), isTTY: false };
  const io = {
    stdout: sink,
    stderr: sink,
    stdin: Readable.from([]),
    interrupt$: EMPTY,
  } as unknown as CliIo;
  return { io, text: () => chunks.join('') };
};

const withoutLineEnds = (text: string): string => text.replace(/\n/g, '');

describe('untrusted text shown by the CLI', () => {
  it.each(states.map((state) => [state.phase, state] as const))(
    'the status line of a %s state carries no control character',
    (_phase, state) => {
      expect(statusLine(state, undefined, at)).not.toMatch(CONTROL);
    },
  );

  it('the stderr logger and the error line carry no control character', () => {
    const { io, text } = capture();
    const cli = createCliConsole(io, { json: false, verbosity: 2, now: () => at });
    cli.logger.info(HOSTILE, { line: HOSTILE });
    cli.logger.warn('openvpn said', { text: HOSTILE });
    cli.error(HOSTILE);
    expect(text()).toContain('rx-openvpn: ');
    expect(withoutLineEnds(text())).not.toMatch(CONTROL);
  });

  it('the state view, as status lines and as JSON lines, carries no control character', () => {
    for (const json of [false, true]) {
      const { io, text } = capture();
      const cli = createCliConsole(io, { json, verbosity: 0, now: () => at });
      for (const state of states) cli.view.state(state);
      cli.view.end();
      expect(text()).not.toBe('');
      expect(withoutLineEnds(text())).not.toMatch(CONTROL);
    }
  });
});
