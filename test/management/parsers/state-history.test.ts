import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { parseStateHistory, type StateEntry } from '../../../src/management/parsers/index.js';
import { replyLines } from './output-fixture.js';

const names = (result: E.Either<unknown, readonly StateEntry[]>): unknown =>
  E.map((entries: readonly StateEntry[]) => entries.map((e) => e.name))(result);

describe('parseStateHistory', () => {
  it('reads the real `state all` of a client, oldest first', () => {
    const history = parseStateHistory(replyLines('client-state-all'));

    expect(names(history)).toEqual(E.right(['CONNECTING', 'WAIT', 'AUTH', 'CONNECTED']));
    expect(history).toEqual(
      E.right([
        expect.objectContaining({ time: 1796314321, known: true, remotePort: undefined }),
        expect.anything(),
        expect.anything(),
        {
          known: true,
          name: 'CONNECTED',
          time: 1796314321,
          description: 'SUCCESS',
          localIpv4: '10.8.0.2',
          remoteAddress: '127.0.0.1',
          remotePort: 53722,
          localAddress: undefined,
          localPort: undefined,
          localIpv6: 'fd00:8::1000',
          authTimeoutSeconds: undefined,
        },
      ]),
    );
  });

  it('reads `state` and `state 3` replies the same way', () => {
    expect(names(parseStateHistory(replyLines('client-state')))).toEqual(E.right(['CONNECTED']));
    expect(names(parseStateHistory(replyLines('client-state-3')))).toEqual(
      E.right(['WAIT', 'AUTH', 'CONNECTED']),
    );
  });

  it('reads a history with a reconnect after SIGUSR1', () => {
    const history = parseStateHistory(replyLines('client-state-all-reconnected'));

    expect(names(history)).toEqual(
      E.right([
        'CONNECTING',
        'WAIT',
        'AUTH',
        'CONNECTED',
        'RECONNECTING',
        'WAIT',
        'AUTH',
        'CONNECTED',
      ]),
    );
    expect(history).toEqual(
      E.right(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'RECONNECTING',
            description: 'SIGUSR1',
            time: 1796314983,
          }),
        ]),
      ),
    );
  });

  it('reads a real AUTH_PENDING with its timeout and an eight-field CONNECTED', () => {
    const history = parseStateHistory(replyLines('client-state-all-auth-pending'));

    expect(names(history)).toEqual(
      E.right(['CONNECTING', 'WAIT', 'AUTH', 'AUTH_PENDING', 'GET_CONFIG', 'CONNECTED']),
    );
    expect(history).toEqual(
      E.right([
        expect.anything(),
        expect.anything(),
        expect.anything(),
        expect.objectContaining({ authTimeoutSeconds: 30, description: 'timeout 30' }),
        expect.anything(),
        expect.objectContaining({ localIpv4: '10.9.0.2', remotePort: 55361, localIpv6: undefined }),
      ]),
    );
  });

  it('reads the point-to-point history, with local and remote ports and no tunnel address', () => {
    const history = parseStateHistory(replyLines('p2p-client-state-all'));

    expect(names(history)).toEqual(
      E.right(['CONNECTING', 'ASSIGN_IP', 'WAIT', 'AUTH', 'CONNECTED']),
    );
    expect(history).toEqual(
      E.right(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'CONNECTED',
            localIpv4: undefined,
            remoteAddress: '127.0.0.1',
            remotePort: 55003,
            localAddress: '127.0.0.1',
            localPort: 58255,
          }),
        ]),
      ),
    );
  });

  it('reads the server history', () => {
    expect(parseStateHistory(replyLines('server-state-all'))).toEqual(
      E.right([
        expect.objectContaining({ name: 'CONNECTING' }),
        expect.objectContaining({ name: 'CONNECTED', localIpv4: '10.8.0.1', localPort: 53722 }),
      ]),
    );
  });

  it('reads an empty reply as an empty history', () => {
    expect(parseStateHistory([])).toEqual(E.right([]));
  });

  it('fails with the 1-based line number of the first bad line', () => {
    expect(parseStateHistory(['1,CONNECTING,,,,,,', 'garbage', '2,WAIT,,,,,,'])).toEqual(
      E.left({
        kind: 'parse-failure',
        parser: 'state',
        line: 2,
        text: 'garbage',
        reason: 'expected 5 to 9 fields, got 1',
      }),
    );
  });
});
