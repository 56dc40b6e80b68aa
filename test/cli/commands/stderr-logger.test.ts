import { describe, expect, it } from '@jest/globals';
import { createStderrLogger } from '../../../src/cli/commands/stderr-logger.js';
import { Secret } from '../../../src/core/secret.js';
import { controlCodesIn } from '../control-codes.js';

const sink = () => {
  const lines: string[] = [];
  return { lines, output: { write: (chunk: string) => lines.push(chunk) } };
};

describe('createStderrLogger', () => {
  it('writes `level message {fields}` lines', () => {
    const { lines, output } = sink();
    const logger = createStderrLogger(output, { verbosity: 2 });
    logger.warn('stopping an earlier openvpn', { pid: 42, reason: 'stale' });
    logger.info('no fields');
    expect(lines).toEqual([
      'warn stopping an earlier openvpn {"pid":42,"reason":"stale"}\n',
      'info no fields\n',
    ]);
  });

  it('writes only warnings and errors without -v, adds info with -v and debug with -vv', () => {
    const levelsAt = (verbosity: number): string[] => {
      const { lines, output } = sink();
      const logger = createStderrLogger(output, { verbosity });
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      return lines.map((line) => line.split(' ')[0] ?? '');
    };
    expect(levelsAt(0)).toEqual(['warn', 'error']);
    expect(levelsAt(1)).toEqual(['info', 'warn', 'error']);
    expect(levelsAt(2)).toEqual(['debug', 'info', 'warn', 'error']);
  });

  it('sanitises the message and the fields: one inert line each', () => {
    const { lines, output } = sink();
    const logger = createStderrLogger(output, { verbosity: 0 });
    logger.warn('openvpn says \u001b]0;owned\u0007hi\nthere', { line: 'a\u009b31mb\u202e' });
    expect(lines).toHaveLength(1);
    const [line = ''] = lines;
    expect(controlCodesIn(line.slice(0, -1))).toEqual([]);
    expect(line).toContain('openvpn says hi there');
  });

  it('prints secrets as [redacted] and errors by their message', () => {
    const { lines, output } = sink();
    const logger = createStderrLogger(output, { verbosity: 0 });
    logger.error('failed', { password: Secret.of('hunter2'), error: new Error('boom') });
    expect(lines[0]).toBe('error failed {"password":"[redacted]","error":"Error: boom"}\n');
  });

  it('runs the hooks around each line it writes, and none for a dropped record', () => {
    const events: string[] = [];
    const logger = createStderrLogger(
      { write: () => events.push('write') },
      {
        verbosity: 0,
        beforeWrite: () => events.push('before'),
        afterWrite: () => events.push('after'),
      },
    );
    logger.debug('dropped');
    logger.warn('kept');
    expect(events).toEqual(['before', 'write', 'after']);
  });
});
