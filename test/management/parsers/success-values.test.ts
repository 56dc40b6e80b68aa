import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import {
  parseHoldQuery,
  parseLoadStats,
  parseMute,
  parsePid,
  parseVerb,
} from '../../../src/management/parsers/index.js';
import { replyLine } from './output-fixture.js';

const afterSuccess = (line: string): string => line.replace(/^SUCCESS: /, '');

describe('parsePid', () => {
  it('reads the real reply, given the text after "SUCCESS: " or the whole line', () => {
    const line = replyLine('client-pid');

    expect(line).toBe('SUCCESS: pid=5741');
    expect(parsePid(afterSuccess(line))).toEqual(E.right(5741));
    expect(parsePid(line)).toEqual(E.right(5741));
  });

  it.each([
    ['pid=0', 'process id out of range'],
    ['pid=4294967296', 'process id out of range'],
    ['pid=12ab', 'expected process id'],
    ['pid=', 'expected process id'],
    ['pid', 'expected key=value'],
    ['', 'expected key=value'],
    ['process=12', 'missing "pid"'],
    ['pid=1,pid=2', 'appears twice'],
    ['pid=1,extra=2', 'expected only "pid=..."'],
  ])('fails on "%s"', (text, reason) => {
    expect(parsePid(text)).toEqual(
      E.left({
        kind: 'parse-failure',
        parser: 'pid',
        text,
        reason: expect.stringContaining(reason),
      }),
    );
  });
});

describe('parseHoldQuery', () => {
  it('reads the real reply and both flag values', () => {
    expect(parseHoldQuery(afterSuccess(replyLine('client-hold')))).toEqual(E.right(false));
    expect(parseHoldQuery('hold=1')).toEqual(E.right(true));
  });

  it.each(['hold=2', 'hold=on', 'hold=', 'verb=1'])('fails on "%s"', (text) => {
    expect(parseHoldQuery(text)).toEqual(E.left(expect.objectContaining({ parser: 'hold' })));
  });
});

describe('parseVerb and parseMute', () => {
  it('read the real replies', () => {
    expect(parseVerb(afterSuccess(replyLine('client-verb')))).toEqual(E.right(3));
    expect(parseMute(afterSuccess(replyLine('client-mute')))).toEqual(E.right(0));
  });

  it('fail on values out of range', () => {
    expect(parseVerb('verb=16')).toEqual(
      E.left(expect.objectContaining({ parser: 'verb', reason: expect.stringContaining('range') })),
    );
    expect(parseMute('mute=-1')).toEqual(E.left(expect.objectContaining({ parser: 'mute' })));
    expect(parseMute('mute=2147483648')).toEqual(
      E.left(expect.objectContaining({ reason: expect.stringContaining('out of range') })),
    );
  });
});

describe('parseLoadStats', () => {
  it('reads the real replies of a server and of a client', () => {
    expect(parseLoadStats(afterSuccess(replyLine('server-load-stats')))).toEqual(
      E.right({ clients: 2, bytesIn: 14741, bytesOut: 18349 }),
    );
    expect(parseLoadStats(replyLine('client-load-stats'))).toEqual(
      E.right({ clients: 0, bytesIn: 7247, bytesOut: 6982 }),
    );
  });

  it('reads the keys in any order and allows keys it does not know', () => {
    expect(parseLoadStats('bytesout=3,nclients=1,dco=0,bytesin=2')).toEqual(
      E.right({ clients: 1, bytesIn: 2, bytesOut: 3 }),
    );
  });

  it.each([
    ['nclients=0,bytesin=0', 'missing "bytesout"'],
    ['nclients=0,bytesin=x,bytesout=0', 'bytesin: expected count, got "x"'],
    ['nclients=0,bytesin=0,bytesout=99999999999999999999', 'bytesout: count out of range'],
    ['nclients=0;bytesin=0;bytesout=0', 'nclients: expected count'],
    ['', 'expected key=value'],
  ])('fails on "%s"', (text, reason) => {
    expect(parseLoadStats(text)).toEqual(
      E.left({
        kind: 'parse-failure',
        parser: 'load-stats',
        text,
        reason: expect.stringContaining(reason),
      }),
    );
  });
});
