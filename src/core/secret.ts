import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * An opaque secret (password, passphrase, token). It prints, serialises and inspects as
 * `[redacted]`; only {@link Secret.reveal} gives the value, at the one place that must send it.
 */
export class Secret {
  readonly #value: string;

  private constructor(value: string) {
    this.#value = value;
  }

  /** Wraps a plain string. */
  static of(value: string): Secret {
    return new Secret(value);
  }

  /** The plain value. Call only where the secret leaves the process for openvpn. */
  reveal(): string {
    return this.#value;
  }

  /** Byte length in UTF-8, for limits that must be checked without revealing the value. */
  get byteLength(): number {
    return Buffer.byteLength(this.#value, 'utf8');
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** True for a {@link Secret}. */
export const isSecret = (value: unknown): value is Secret => value instanceof Secret;
