/** What a contender produced from one stream, by category; the categories are its own. */
export type Counts = Readonly<Record<string, number>>;

/** One stream being consumed: chunks in as a socket delivers them, then the end. */
export interface Feed {
  push(chunk: Buffer): void;
  end(): Counts;
}

/** One way of turning management socket chunks into something a program can act on. */
export interface Contender {
  readonly label: string;
  readonly description: string;
  /** A fresh consumer with no state carried over from an earlier stream. */
  create(): Feed;
}
