import type { Random } from './random.js';

/** One property broken by one input: what was expected and the input that broke it. */
export interface Violation {
  readonly property: string;
  /** A JSON rendering of the input, for replaying the case. */
  readonly input: string;
}

/** A fuzz target: generates one input from `random`, runs it, and reports a broken property. */
export interface FuzzTarget {
  readonly name: string;
  readonly runOne: (random: Random) => Violation | undefined;
}

/** Inputs are shown up to this many characters: enough to see the shape, not a screenful. */
const SHOWN_INPUT_CHARS = 600;

/** JSON (buffers as hex) that keeps lone surrogates and control characters visible. */
export const showInput = (value: unknown): string => {
  const json = JSON.stringify(value, (_key, item: unknown) =>
    Buffer.isBuffer(item) ? item.toString('hex') : item,
  );
  return json.length > SHOWN_INPUT_CHARS ? `${json.slice(0, SHOWN_INPUT_CHARS)}...` : json;
};
