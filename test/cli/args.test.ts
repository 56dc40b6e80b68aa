import { describe, expect, it } from '@jest/globals';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { COMMAND_NAMES, type CliCommand, type UsageError } from '../../src/cli/cli-command.js';
import { helpText } from '../../src/cli/help-text.js';

const parsed = (...args: string[]): CliCommand => {
  const result = parseCliArgs(args);
  if (isLeft(result)) throw new Error(`expected a command, got: ${result.left.message}`);
  return result.right;
};

const refused = (...args: string[]): UsageError => {
  const result = parseCliArgs(args);
  if (isRight(result))
    throw new Error(`expected a usage error, got ${JSON.stringify(result.right)}`);
  return result.left;
};

describe('parseCliArgs: connect', () => {
  it('gives the defaults when only the profile is given', () => {
    expect(parsed('connect', 'work.ovpn')).toEqual({
      kind: 'connect',
      profilePath: 'work.ovpn',
      json: false,
      openvpnPath: undefined,
      stopTimeoutMs: undefined,
      authFile: undefined,
      appId: 'rx-openvpn',
      launcher: 'direct',
      verbosity: 0,
      pkexecHelper: undefined,
      transcriptPath: undefined,
    });
  });

  it('reads every option, in any order around the profile', () => {
    expect(
      parsed(
        'connect',
        '--json',
        '--openvpn',
        '/opt/openvpn',
        'work.ovpn',
        '--stop-timeout=8000',
        '--auth-file',
        'creds.txt',
        '--app-id',
        'my.app',
        '--launcher',
        'sudo',
        '-vv',
        '--verbose',
        '--transcript',
        'mgmt.log',
      ),
    ).toEqual({
      kind: 'connect',
      profilePath: 'work.ovpn',
      json: true,
      openvpnPath: '/opt/openvpn',
      stopTimeoutMs: 8000,
      authFile: 'creds.txt',
      appId: 'my.app',
      launcher: 'sudo',
      verbosity: 3,
      pkexecHelper: undefined,
      transcriptPath: 'mgmt.log',
    });
  });

  it('takes a profile that starts with a dash after --', () => {
    expect(parsed('connect', '--', '-odd.ovpn')).toMatchObject({ profilePath: '-odd.ovpn' });
  });

  it('asks for the profile when it is missing', () => {
    expect(refused('connect', '--json')).toEqual({
      kind: 'UsageError',
      command: 'connect',
      message: 'connect needs a profile: rx-openvpn connect <profile.ovpn> [options].',
    });
  });

  it('refuses a second profile', () => {
    expect(refused('connect', 'a.ovpn', 'b.ovpn').message).toContain('one profile');
  });

  it('refuses an unknown launcher and lists the ones there are', () => {
    expect(refused('connect', 'a.ovpn', '--launcher', 'doas').message).toBe(
      '--launcher is one of direct, sudo, pkexec; got "doas".',
    );
  });

  it.each(['0', '-5', '1.5', '5s', '1e3'])('refuses --stop-timeout=%j', (value) => {
    expect(refused('connect', 'a.ovpn', `--stop-timeout=${value}`).message).toContain(
      '--stop-timeout takes whole milliseconds above 0',
    );
  });

  it('refuses an app id that could not mark a process', () => {
    expect(refused('connect', 'a.ovpn', '--app-id', 'has space').message).toContain(
      '--app-id: invalid application id',
    );
  });

  it('says which value is missing when an option follows instead', () => {
    expect(refused('connect', 'a.ovpn', '--openvpn', '--json').message).toBe(
      '--openvpn needs a value: --openvpn <path>. Run `rx-openvpn help connect`.',
    );
    expect(refused('connect', 'a.ovpn', '--openvpn').message).toContain('--openvpn needs a value');
    expect(refused('connect', 'a.ovpn', '--openvpn=').message).toContain('--openvpn needs a value');
  });

  it('refuses an option of another command and points at the help', () => {
    expect(refused('connect', 'a.ovpn', '--chaos')).toEqual({
      kind: 'UsageError',
      command: 'connect',
      message: 'connect has no option --chaos. Run `rx-openvpn help connect`.',
    });
  });

  it('refuses a value given to a flag', () => {
    expect(refused('connect', 'a.ovpn', '--json=yes').message).toContain('--json takes no value');
  });

  it('refuses an option given twice rather than guess which one counts', () => {
    expect(refused('connect', 'a.ovpn', '--openvpn', 'a', '--openvpn', 'b').message).toBe(
      '--openvpn is given twice: keep one.',
    );
  });
});

describe('parseCliArgs: demo, ps, stop', () => {
  it('reads the demo options, the duration in seconds', () => {
    expect(
      parsed('demo', '--json', '--chaos', '--duration', '2.5', '--openvpn', '/x', '-v'),
    ).toEqual({
      kind: 'demo',
      json: true,
      chaos: true,
      durationMs: 2500,
      openvpnPath: '/x',
      appId: 'rx-openvpn',
      verbosity: 1,
    });
  });

  it('runs the demo until interrupted without --duration', () => {
    expect(parsed('demo')).toMatchObject({ durationMs: undefined, chaos: false, json: false });
  });

  it.each(['0', 'ten', '-1', '1e3'])('refuses --duration %j', (value) => {
    expect(refused('demo', `--duration=${value}`).message).toContain('--duration takes seconds');
  });

  it('reads ps', () => {
    expect(parsed('ps', '--json', '--app-id', 'other')).toEqual({
      kind: 'ps',
      json: true,
      appId: 'other',
    });
  });

  it('reads stop, which by default leaves instances of live engines alone', () => {
    expect(parsed('stop')).toEqual({
      kind: 'stop',
      allOurs: false,
      appId: 'rx-openvpn',
      stopTimeoutMs: undefined,
    });
    expect(parsed('stop', '--all-ours', '--stop-timeout', '3000')).toMatchObject({
      allOurs: true,
      stopTimeoutMs: 3000,
    });
  });

  it('refuses arguments to commands that take none', () => {
    expect(refused('ps', 'extra')).toEqual({
      kind: 'UsageError',
      command: 'ps',
      message: 'ps takes no argument, got "extra". Run `rx-openvpn help ps`.',
    });
  });
});

describe('parseCliArgs: help', () => {
  it.each([[['--help']], [['-h']], [['help']]])('gives the overview for %j', (args) => {
    expect(parsed(...args)).toEqual({ kind: 'help', topic: undefined });
  });

  it.each(COMMAND_NAMES.map((name) => [name]))('gives the help of %s both ways', (name) => {
    expect(parsed('help', name)).toEqual({ kind: 'help', topic: name });
    expect(parsed(name, '--help')).toEqual({ kind: 'help', topic: name });
    expect(parsed(name, '-h')).toEqual({ kind: 'help', topic: name });
  });

  it('gives the help even when the rest of the line is wrong', () => {
    expect(parsed('connect', '--bogus', '--help')).toEqual({ kind: 'help', topic: 'connect' });
  });

  it('refuses help on an unknown command', () => {
    expect(refused('help', 'launch').message).toContain('unknown command "launch"');
  });

  it('says what to do when no command is given or it is unknown', () => {
    expect(refused().message).toBe(
      'say what to do: rx-openvpn <connect|attach|demo|ps|stop> [options]. ' +
        'Run `rx-openvpn --help` for an overview.',
    );
    expect(refused('start')).toEqual({
      kind: 'UsageError',
      command: undefined,
      message:
        'unknown command "start": use one of connect, attach, demo, ps, stop. ' +
        'Run `rx-openvpn --help` for an overview.',
    });
  });
});

describe('parseCliArgs: attach', () => {
  it('takes a unix socket path, with the defaults', () => {
    expect(parsed('attach', '/run/openvpn/client.sock')).toEqual({
      kind: 'attach',
      endpoint: { kind: 'unix', path: '/run/openvpn/client.sock' },
      passwordFile: undefined,
      leaveRunning: false,
      json: false,
      stopTimeoutMs: undefined,
      authFile: undefined,
      verbosity: 0,
      transcriptPath: undefined,
    });
  });

  it('takes host:port as TCP, with every option', () => {
    expect(
      parsed(
        'attach',
        '127.0.0.1:7505',
        '--management-password-file',
        'mgmt.pw',
        '--leave-running',
        '--json',
        '--stop-timeout',
        '4000',
        '--auth-file',
        'creds.txt',
        '-v',
        '--transcript',
        'mgmt.log',
      ),
    ).toEqual({
      kind: 'attach',
      endpoint: { kind: 'tcp', host: '127.0.0.1', port: 7505 },
      passwordFile: 'mgmt.pw',
      leaveRunning: true,
      json: true,
      stopTimeoutMs: 4000,
      authFile: 'creds.txt',
      verbosity: 1,
      transcriptPath: 'mgmt.log',
    });
  });

  it('reads a bracketed IPv6 address, and leaves a relative socket path a path', () => {
    expect(parsed('attach', '[::1]:7505')).toMatchObject({
      endpoint: { kind: 'tcp', host: '::1', port: 7505 },
    });
    expect(parsed('attach', 'mgmt.sock')).toMatchObject({
      endpoint: { kind: 'unix', path: 'mgmt.sock' },
    });
  });

  it('refuses a missing endpoint, a second one and a port out of range', () => {
    expect(refused('attach').message).toMatch(/attach needs the management endpoint/);
    expect(refused('attach', 'a.sock', 'b.sock').message).toMatch(/one endpoint/);
    expect(refused('attach', '127.0.0.1:70000').message).toMatch(/not between 1 and 65535/);
  });

  it('has no --app-id: the attached openvpn is not one this application starts', () => {
    expect(refused('attach', 'a.sock', '--app-id', 'x').message).toMatch(/no option --app-id/);
  });
});

describe('helpText', () => {
  it('lists every command in the overview', () => {
    for (const name of COMMAND_NAMES) expect(helpText(undefined)).toContain(`  ${name}`);
  });

  it.each([
    [
      'connect',
      [
        '--json',
        '--openvpn',
        '--stop-timeout',
        '--auth-file',
        '--app-id',
        '--launcher',
        '-v',
        '--transcript',
      ],
    ],
    ['demo', ['--json', '--chaos', '--duration', '--openvpn', '--app-id', '-v']],
    ['ps', ['--json', '--app-id']],
    ['stop', ['--all-ours', '--app-id', '--stop-timeout']],
  ] as const)('documents every option of %s', (name, options) => {
    for (const option of options) expect(helpText(name)).toContain(option);
    expect(helpText(name)).toContain(`Usage: rx-openvpn ${name}`);
  });
});
