/** Structured fields attached to a log record. Never put secrets here. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The logger every library module takes. Silent by default; the CLI chooses a sink.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ignore = (): void => undefined;

/** A logger that drops everything: the default wherever a logger is optional. */
export const silentLogger: Logger = Object.freeze({
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
});

/** Returns a logger that adds `fields` to every record written through it. */
export const childLogger = (parent: Logger, fields: LogFields): Logger => ({
  debug: (message, extra) => parent.debug(message, { ...fields, ...extra }),
  info: (message, extra) => parent.info(message, { ...fields, ...extra }),
  warn: (message, extra) => parent.warn(message, { ...fields, ...extra }),
  error: (message, extra) => parent.error(message, { ...fields, ...extra }),
});
