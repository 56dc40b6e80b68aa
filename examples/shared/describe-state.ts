import type { VpnState } from '../../src/index.js';

// Text from openvpn (failure messages, reasons) reaches a terminal: no control characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

const printable = (text: string): string => text.replace(CONTROL_CHARACTERS, ' ');

/**
 * One line for a state, starting with its phase: `connected as 10.8.0.6 to 203.0.113.5:1194`,
 * `failed PROCESS_EXITED: openvpn exited on signal SIGKILL`.
 */
export function describeState(state: VpnState): string {
  switch (state.phase) {
    case 'idle':
    case 'starting':
      return state.phase;
    case 'connecting':
      return `connecting ${state.step}`;
    case 'connected': {
      const local = state.localIpv4 ?? state.localIpv6;
      const remote = state.remote;
      return printable(
        'connected' +
          (local === undefined ? '' : ` as ${local}`) +
          (remote === undefined ? '' : ` to ${remote.host}:${remote.port}`),
      );
    }
    case 'reconnecting':
      return printable(
        `reconnecting ${state.rawReason}, attempt ${state.attempt}` +
          (state.step === undefined ? '' : `, ${state.step}`),
      );
    case 'stopping':
      return printable(
        (state.requested ? 'stopping' : 'stopping: openvpn exits on its own') +
          (state.rawReason === undefined ? '' : ` (${state.rawReason})`),
      );
    case 'stopped':
      return state.signal === undefined
        ? `stopped, exit code ${String(state.exitCode ?? 'unknown')}`
        : `stopped by ${state.signal}`;
    case 'failed':
      return printable(`failed ${state.error.code}: ${state.error.message}`);
  }
}
