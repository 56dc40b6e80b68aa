import { describe, expect, it } from '@jest/globals';
import type { Either } from 'fp-ts/lib/Either.js';
import type { VpnError } from '../../src/core/errors.js';
import { buildLaunchCommand } from '../../src/launcher/build-launch-command.js';
import type { LaunchCommand, LaunchRequest } from '../../src/launcher/launch-command.js';

const OPENVPN = '/usr/sbin/openvpn';
const ARGS = ['--config', '/etc/rx/profile.ovpn', '--setenv', 'RX_OPENVPN_APP', 'demo'];
const linux = (launcher: LaunchRequest['launcher']): LaunchRequest => ({
  openvpnPath: OPENVPN,
  openvpnArgs: ARGS,
  launcher,
  platform: 'linux',
});

const command = (result: Either<VpnError, LaunchCommand>): LaunchCommand => {
  if (result._tag === 'Left') throw new Error(`expected a command, got ${result.left.message}`);
  return result.right;
};

const refusal = (result: Either<VpnError, LaunchCommand>): VpnError => {
  if (result._tag === 'Right') throw new Error(`expected a refusal, got ${result.right.file}`);
  return result.left;
};

describe('buildLaunchCommand', () => {
  it('runs openvpn itself for the direct launcher', () => {
    expect(command(buildLaunchCommand(linux({ kind: 'direct' })))).toEqual({
      file: OPENVPN,
      args: ARGS,
    });
  });

  it('runs sudo non-interactively, with options ended before openvpn', () => {
    expect(command(buildLaunchCommand(linux({ kind: 'sudo' })))).toEqual({
      file: '/usr/bin/sudo',
      args: ['-n', '--', OPENVPN, ...ARGS],
    });
    const custom = buildLaunchCommand(linux({ kind: 'sudo', sudoPath: '/usr/local/bin/sudo' }));
    expect(command(custom).file).toBe('/usr/local/bin/sudo');
  });

  it('runs the pkexec helper with its openvpn subcommand, leaving the binary to the helper', () => {
    const helperPath = '/usr/sbin/bitmask-root';
    expect(command(buildLaunchCommand(linux({ kind: 'pkexec', helperPath })))).toEqual({
      file: '/usr/bin/pkexec',
      args: [helperPath, 'openvpn', ...ARGS],
    });
  });

  it('invokes the macOS helper tool with the openvpn arguments', () => {
    const helperPath = '/Library/Application Support/Demo/openvpnstart';
    const request: LaunchRequest = {
      ...linux({ kind: 'macos-helper', helperPath }),
      openvpnPath: '/opt/homebrew/sbin/openvpn',
      platform: 'darwin',
    };
    expect(command(buildLaunchCommand(request))).toEqual({ file: helperPath, args: ARGS });
  });

  it('builds the Windows openvpn.exe command line from an absolute .exe path', () => {
    const exe = 'C:\\Program Files\\OpenVPN\\bin\\openvpn.exe';
    const args = ['--config', 'C:\\Users\\me\\OpenVPN\\config\\demo.ovpn'];
    const request: LaunchRequest = {
      openvpnPath: exe,
      openvpnArgs: args,
      launcher: { kind: 'windows-elevated' },
      platform: 'win32',
    };
    expect(command(buildLaunchCommand(request))).toEqual({ file: exe, args });
    const relative = buildLaunchCommand({ ...request, openvpnPath: 'openvpn.exe' });
    expect(refusal(relative).code).toBe('LAUNCHER_INVALID');
    const notExe = buildLaunchCommand({ ...request, openvpnPath: 'C:\\OpenVPN\\openvpn' });
    expect(refusal(notExe).message).toContain('absolute');
  });

  it.each([
    ['pkexec', 'darwin', { kind: 'pkexec', helperPath: '/usr/sbin/helper' }],
    ['macos-helper', 'linux', { kind: 'macos-helper', helperPath: '/usr/sbin/helper' }],
    ['windows-elevated', 'linux', { kind: 'windows-elevated' }],
    ['sudo', 'win32', { kind: 'sudo' }],
    ['direct', 'win32', { kind: 'direct' }],
  ] as const)('refuses the %s launcher on %s', (kind, platform, launcher) => {
    const error = refusal(buildLaunchCommand({ ...linux(launcher), platform }));
    expect(error.code).toBe('LAUNCHER_INVALID');
    expect(error.details).toEqual({ launcher: kind, platform });
  });

  it('refuses relative paths, which would be looked up on PATH under privilege', () => {
    expect(
      refusal(buildLaunchCommand({ ...linux({ kind: 'direct' }), openvpnPath: 'openvpn' })).code,
    ).toBe('LAUNCHER_INVALID');
    const helper = buildLaunchCommand(linux({ kind: 'pkexec', helperPath: 'bin/helper' }));
    expect(refusal(helper).message).toContain('bin/helper');
  });

  it.each(['--daemon', '--service'])(
    'refuses %s, which openvpn cannot be supervised with',
    (option) => {
      const request = { ...linux({ kind: 'direct' }), openvpnArgs: [...ARGS, option] };
      expect(refusal(buildLaunchCommand(request)).message).toContain(option);
    },
  );
});
