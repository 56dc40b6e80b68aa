import { VpnError, isVpnError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import type { Reply } from './reply.js';
import type { SessionEnd } from './session.js';

// eslint-disable-next-line no-control-regex -- the bytes openvpn's command reader drops
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * The line that answers the management password prompt, or why there is none. openvpn 2.6.14
 * answers a wrong password with nothing but a new prompt (no ERROR line), so a second prompt
 * means the password was refused; answering it again would loop forever.
 */
export function passwordAnswer(password: Secret | undefined, prompt: number): string | VpnError {
  if (password === undefined) {
    return new VpnError(
      'MANAGEMENT_AUTH_FAILED',
      'the management interface asks for a password; pass the one from its password file',
    );
  }
  if (prompt > 1) {
    return new VpnError(
      'MANAGEMENT_AUTH_FAILED',
      'openvpn refused the management password; check it against its password file',
    );
  }
  // The password goes out as a raw line: a line end in it would run the rest as a command.
  if (CONTROL_CHARACTER.test(password.reveal())) {
    return new VpnError(
      'ENCODE_REFUSED',
      'the management password holds a control character, which openvpn drops or splits on',
    );
  }
  return `${password.reveal()}\n`;
}

export function endErrorOf(end: SessionEnd): VpnError {
  if (end.kind === 'SessionFailed') return end.error;
  return new VpnError('MANAGEMENT_CLOSED', 'the management session is closed');
}

/** The error of a command caught by the end of the session, queued or waiting for its reply. */
export function closedErrorOf(end: SessionEnd): VpnError {
  if (end.kind === 'SessionFailed' && end.error.code === 'MANAGEMENT_CLOSED') return end.error;
  const why = end.kind === 'SessionFailed' ? `: ${end.error.message}` : '';
  return new VpnError('MANAGEMENT_CLOSED', `the management session is closed${why}`, {
    ...(end.kind === 'SessionFailed' ? { cause: end.error } : {}),
  });
}

export function asVpnError(error: unknown): VpnError {
  if (isVpnError(error)) return error;
  return new VpnError('MANAGEMENT_CLOSED', `management session failed: ${String(error)}`, {
    cause: error,
  });
}

export function replyError(name: string, reply: Reply, failure: unknown): VpnError {
  if (reply.kind === 'error') {
    return new VpnError('COMMAND_FAILED', `openvpn refused "${name}": ${reply.text}`, {
      details: { command: name, text: reply.text },
    });
  }
  return new VpnError('REPLY_MALFORMED', `unexpected reply to "${name}"`, {
    details: { command: name, failure },
  });
}
