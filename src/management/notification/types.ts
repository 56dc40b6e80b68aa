import type { Secret } from '../../core/secret.js';
import type { InfoMessage } from './info-message.js';
import type { PasswordNotification } from './password.js';
import type { StateEntry } from '../parsers/state-line.js';

/** Environment of a CLIENT or UPDOWN block (`>...:ENV,name=value` lines). */
export type EnvRecord = Readonly<Record<string, string>>;

/** LOG message flags (spec: I, F, N, W, D); `raw` keeps the flag string as sent. */
export interface LogFlags {
  readonly raw: string;
  readonly info: boolean;
  readonly fatal: boolean;
  readonly nonFatal: boolean;
  readonly warning: boolean;
  readonly debug: boolean;
}

/** A `>LOG:` line or one line of `log all`. */
export interface LogEntry {
  readonly time: number;
  readonly flags: LogFlags;
  readonly text: string;
}

/** An `>ECHO:` line or one line of `echo all`. */
export interface EchoEntry {
  readonly time: number;
  readonly text: string;
}

/** Fields shared by the multi-line notifications. */
export interface BlockFields {
  readonly env: EnvRecord;
  /** False when the block was cut short (interrupted, too long or the stream ended). */
  readonly complete: boolean;
  /** True for the remainder of a block that was emitted early because it grew too long. */
  readonly continued: boolean;
}

/** `>CLIENT:` events that carry an ENV block (server with --management-client-auth). */
export type ClientEvent = 'connect' | 'reauth' | 'established' | 'disconnect' | 'cr-response';

/** A CLIENT block. `password=` is taken out of `env` into `password` so it never prints. */
export interface ClientNotification extends BlockFields {
  readonly type: 'client';
  readonly event: ClientEvent;
  readonly clientId: number;
  /** CONNECT, REAUTH and CR_RESPONSE only. */
  readonly keyId: number | undefined;
  /** CR_RESPONSE only: the client's base64 response. */
  readonly response: Secret | undefined;
  readonly password: Secret | undefined;
}

/** `>UPDOWN:UP|DOWN` with its ENV block (--management-up-down; missing from the spec). */
export interface UpDownNotification extends BlockFields {
  readonly type: 'updown';
  readonly event: 'up' | 'down';
}

/** Every real-time message of the management interface, parsed. */
export type Notification =
  | { readonly type: 'bytecount'; readonly bytesIn: number; readonly bytesOut: number }
  | {
      readonly type: 'bytecount-cli';
      readonly clientId: number;
      readonly bytesIn: number;
      readonly bytesOut: number;
    }
  | ClientNotification
  | {
      readonly type: 'client-address';
      readonly clientId: number;
      readonly address: string;
      readonly primary: boolean;
    }
  | ({ readonly type: 'echo' } & EchoEntry)
  | { readonly type: 'fatal'; readonly text: string }
  | { readonly type: 'hold'; readonly text: string; readonly waitSeconds: number | undefined }
  | {
      readonly type: 'info';
      readonly text: string;
      /** From the banner `OpenVPN Management Interface Version N`. */
      readonly managementVersion: number | undefined;
    }
  | { readonly type: 'infomsg'; readonly message: InfoMessage }
  | ({ readonly type: 'log' } & LogEntry)
  | { readonly type: 'need-ok'; readonly name: string; readonly message: string }
  | { readonly type: 'need-str'; readonly name: string; readonly message: string }
  | PasswordNotification
  | {
      readonly type: 'pk-sign';
      /** Base64 data to sign. */
      readonly data: string;
      /** Padding or algorithm, e.g. RSA_PKCS1_PSS_PADDING; absent below management version 3. */
      readonly algorithm: string | undefined;
      /** `name=value` parameters after the algorithm (hashalg, saltlen). */
      readonly params: Readonly<Record<string, string>>;
    }
  | { readonly type: 'rsa-sign'; readonly data: string }
  | {
      readonly type: 'proxy';
      readonly index: number;
      readonly protocol: 'TCP' | 'UDP' | (string & {});
      readonly host: string;
    }
  | {
      readonly type: 'remote';
      readonly host: string;
      readonly port: number;
      readonly protocol: string;
    }
  | ({ readonly type: 'state' } & StateEntry)
  | { readonly type: 'need-certificate'; readonly hint: string }
  | UpDownNotification
  | {
      readonly type: 'notify';
      readonly severity: string;
      readonly kind: string;
      readonly text: string;
    }
  | { readonly type: 'pkcs11-id-count'; readonly count: number }
  | {
      readonly type: 'pkcs11-id-entry';
      readonly index: number;
      readonly id: string;
      readonly blob: string;
    }
  | { readonly type: 'unknown'; readonly raw: string; readonly reason?: string };

/** The `type` values of {@link Notification}. */
export type NotificationType = Notification['type'];
