import { readFileSync } from 'node:fs';

const FIXTURE_DIR = new URL('../../fixtures/outputs/', import.meta.url);
const HEADER_LINE = /^# /;
const TERMINATOR = 'END';

// The body of a fixture: its lines after the `# ` header, without the final empty string.
const bodyLines = (name: string): string[] => {
  const text = readFileSync(new URL(`${name}.txt`, FIXTURE_DIR), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((line) => !HEADER_LINE.test(line));
  if (start <= 0) throw new Error(`${name}.txt: missing the "# " header`);
  if (lines.at(-1) !== '') throw new Error(`${name}.txt: must end with a newline`);
  return lines.slice(start, -1);
};

/**
 * The lines of a recorded multi-line reply as the reply collector hands them to a parser:
 * header and `END` removed.
 */
export const replyLines = (name: string): string[] => {
  const lines = bodyLines(name);
  if (lines.at(-1) !== TERMINATOR) throw new Error(`${name}.txt: reply does not end with END`);
  return lines.slice(0, -1);
};

/** The single line of a recorded one-line reply (`SUCCESS: ...`), whole. */
export const replyLine = (name: string): string => {
  const lines = bodyLines(name);
  const [line] = lines;
  if (line === undefined || lines.length !== 1) throw new Error(`${name}.txt: not one line`);
  return line;
};

/** Every line of a recorded stream (greeting, replies, notifications), in order. */
export const streamLines = (name: string): string[] => bodyLines(name);
