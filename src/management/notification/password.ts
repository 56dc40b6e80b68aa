import { Secret } from '../../core/secret.js';

/** The credential types openvpn asks for; others (custom prompts) are kept as strings. */
export type AuthType = 'Auth' | 'Private Key' | 'HTTP Proxy' | (string & {});

/** `SC:<flags>,<text>` of `--static-challenge`: bit 0 echo, bit 1 concatenate (openvpn 2.6). */
export interface StaticChallenge {
  readonly echo: boolean;
  /** Password and response are sent concatenated instead of in the SCRV1 form. */
  readonly concatenate: boolean;
  readonly text: string;
}

/** `CRV1:<flags>:<state_id>:<username_base64>:<text>`, the dynamic challenge. */
export interface DynamicChallenge {
  readonly echo: boolean;
  readonly responseRequired: boolean;
  readonly stateId: string;
  readonly usernameBase64: string;
  /** The decoded username (UTF-8, replacement characters for bad bytes). */
  readonly username: string;
  readonly text: string;
}

/** `>PASSWORD:` in all its forms. */
export type PasswordNotification =
  | {
      readonly type: 'password';
      readonly event: 'need';
      readonly authType: AuthType;
      /**
       * `username/password` asks for both, `password` for the password only (openvpn has the
       * username). openvpn 2.6's manage.c writes no other form: none asks the username alone.
       */
      readonly need: 'username-password' | 'password';
      readonly staticChallenge: StaticChallenge | undefined;
    }
  | {
      readonly type: 'password';
      readonly event: 'verification-failed';
      /** Undefined in the old form `Verification Failed: ['reason']`. */
      readonly authType: AuthType | undefined;
      /** The server's client-reason-text, when one came. */
      readonly reason: string | undefined;
      readonly dynamicChallenge: DynamicChallenge | undefined;
    }
  | { readonly type: 'password'; readonly event: 'auth-token'; readonly token: Secret };

const NEED = /^Need '([^']*)' (username\/password|password)(?: SC:(\d+),(.*))?$/;
const FAILED = /^Verification Failed: (?:'((?:[^']|'(?! \['))*)')? ?(?:\['(.*)'\])?$/;
const AUTH_TOKEN = 'Auth-Token:';

const parseDynamicChallenge = (reason: string): DynamicChallenge | undefined => {
  if (!reason.startsWith('CRV1:')) return undefined;
  const rest = reason.slice('CRV1:'.length);
  const parts = rest.split(':');
  if (parts.length < 4) return undefined;
  const [flags = '', stateId = '', usernameBase64 = ''] = parts;
  const flagList = flags.split(',');
  return {
    echo: flagList.includes('E'),
    responseRequired: flagList.includes('R'),
    stateId,
    usernameBase64,
    username: Buffer.from(usernameBase64, 'base64').toString('utf8'),
    text: parts.slice(3).join(':'),
  };
};

/** Parses the payload after `>PASSWORD:`; undefined when it matches no known form. */
export const parsePassword = (payload: string): PasswordNotification | undefined => {
  if (payload.startsWith(AUTH_TOKEN)) {
    return { type: 'password', event: 'auth-token', token: Secret.of(payload.slice(11)) };
  }
  const need = NEED.exec(payload);
  if (need !== null) {
    const [, authType = '', what, flags, text] = need;
    const bits = flags === undefined ? undefined : Number(flags);
    return {
      type: 'password',
      event: 'need',
      authType,
      need: what === 'password' ? 'password' : 'username-password',
      staticChallenge:
        bits === undefined
          ? undefined
          : { echo: (bits & 1) !== 0, concatenate: (bits & 2) !== 0, text: text ?? '' },
    };
  }
  const failed = FAILED.exec(payload);
  if (failed !== null && (failed[1] !== undefined || failed[2] !== undefined)) {
    const reason = failed[2];
    return {
      type: 'password',
      event: 'verification-failed',
      authType: failed[1],
      reason,
      dynamicChallenge: reason === undefined ? undefined : parseDynamicChallenge(reason),
    };
  }
  return undefined;
};
