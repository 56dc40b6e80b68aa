import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { Secret } from '../../src/core/secret.js';
import * as C from '../../src/management/command.js';
import { encodeCommand } from '../../src/management/encode.js';

describe('command constructors', () => {
  it('mark commands that carry a Secret as sensitive', () => {
    expect(C.password('Private Key', Secret.of('x')).sensitive).toBe(true);
    expect(C.crResponse(Secret.of('NDI0MjQy')).sensitive).toBe(true);
    expect(C.username('Auth', 'alice').sensitive).toBe(false);
  });

  it.each([
    [C.stateRealtimeWithHistory(), 'state "on" "all"\n'],
    [C.logHistory(3), 'log "3"\n'],
    [C.echoRealtime(false), 'echo "off"\n'],
    [C.setVersion(3), 'version "3"\n'],
    [C.signal('SIGTERM'), 'signal "SIGTERM"\n'],
    [C.remoteSkip(2), 'remote "SKIP" "2"\n'],
    [
      C.proxy('HTTP', 'proxy.example', 8080, { nonCleartextAuthOnly: true }),
      'proxy "HTTP" "proxy.example" "8080" "nct"\n',
    ],
    [C.kill({ address: '1.2.3.4', port: 4000 }), 'kill "1.2.3.4:4000"\n'],
    [C.remoteEntryGet('all'), 'remote-entry-get "all"\n'],
  ])('encodes %#', (command, text) => {
    expect(encodeCommand(command as C.Command<unknown>)).toEqual(E.right(text));
  });

  it('decode SUCCESS values and errors', () => {
    expect(C.pid().decode({ kind: 'success', text: 'pid=6110', notes: [] })).toEqual(E.right(6110));
    expect(C.holdQuery().decode({ kind: 'success', text: 'hold=1', notes: [] })).toEqual(
      E.right(true),
    );
    expect(C.verbQuery().decode({ kind: 'error', text: 'nope', notes: [] })).toEqual(
      E.left({ kind: 'command-failed', text: 'nope' }),
    );
    expect(C.setVersion(4).decode({ kind: 'none' })).toEqual(E.right(undefined));
    expect(C.help().decode({ kind: 'none' })).toEqual(
      E.left({ kind: 'unexpected-reply', expected: 'lines', got: 'none' }),
    );
  });

  it('decode log and echo history lines', () => {
    expect(C.echoHistory().decode({ kind: 'lines', lines: ['1796314360,hello world'] })).toEqual(
      E.right([{ time: 1796314360, text: 'hello world' }]),
    );
    expect(C.logHistory().decode({ kind: 'lines', lines: ['bad'] })).toEqual(
      E.left({ kind: 'malformed', reason: 'bad log line', line: 'bad' }),
    );
  });
});
