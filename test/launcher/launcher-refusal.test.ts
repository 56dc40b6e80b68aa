import { describe, expect, it } from '@jest/globals';
import { launcherRefusal } from '../../src/launcher/launcher-refusal.js';

const pkexec = { kind: 'pkexec', helperPath: '/usr/sbin/bitmask-root' } as const;

describe('launcherRefusal', () => {
  it('reads sudo -n refusing to prompt as PERMISSION_DENIED', () => {
    const error = launcherRefusal({ kind: 'sudo' }, 1, ['sudo: a password is required']);
    expect(error?.code).toBe('PERMISSION_DENIED');
    expect(error?.details).toEqual({
      launcher: 'sudo',
      exitCode: 1,
      reason: 'sudo: a password is required',
    });
    expect(error?.message).toContain('sudoers');
  });

  it('leaves openvpn’s own exit 1 behind sudo alone', () => {
    const lines = ['Options error: --ca fails with ca.crt: No such file or directory'];
    expect(launcherRefusal({ kind: 'sudo' }, 1, lines)).toBeUndefined();
    expect(launcherRefusal({ kind: 'sudo' }, 0, ['sudo: a password is required'])).toBeUndefined();
  });

  it.each([126, 127])(
    'reads pkexec exit %i (dismissed, not authorised) as PERMISSION_DENIED',
    (code) => {
      const error = launcherRefusal(pkexec, code, ['Error executing command as another user']);
      expect(error?.code).toBe('PERMISSION_DENIED');
      expect(error?.details?.reason).toBe('Error executing command as another user');
    },
  );

  it('leaves other exits, signals and launchers alone', () => {
    expect(launcherRefusal(pkexec, 1, [])).toBeUndefined();
    expect(launcherRefusal(pkexec, null, [])).toBeUndefined();
    expect(launcherRefusal({ kind: 'direct' }, 127, ['sudo: nonsense'])).toBeUndefined();
    expect(launcherRefusal({ kind: 'windows-elevated' }, 126, [])).toBeUndefined();
  });
});
