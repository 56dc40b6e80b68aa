import { execFileSync } from 'node:child_process';

/**
 * Integration tests run against the real openvpn binary. When it is missing they fail here,
 * loudly, instead of skipping.
 */
export default function globalSetup(): void {
  const binary = process.env['OPENVPN_BIN'] ?? 'openvpn';
  try {
    execFileSync(binary, ['--version'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `openvpn not usable (${binary}): ${String(error)}. ` +
        'Install it: apt-get update && apt-get install -y openvpn',
      { cause: error },
    );
  }
}
