import { readFileSync } from 'node:fs';

/** One diagram from a marbles/*.md file. */
export interface MarbleDiagram {
  readonly title: string;
  /** Row name → marble string, exactly as written after the name. */
  readonly rows: ReadonlyMap<string, string>;
  /** Marble character → value, from `where x = <json>` lines. */
  readonly values: Readonly<Record<string, unknown>>;
}

const FENCE_OPEN = /^```marble\s*$/;
const FENCE_CLOSE = /^```\s*$/;
const WHERE = /^where\s+(\S)\s*=\s*(.+)$/;

/**
 * Reads the ```marble blocks of a marbles/ document. A block holds a `title:` line, rows of
 * `name  marbles` and `where x = <json>` legends; `#` starts a comment line. The documents are
 * the executable specification of each policy: a test loads a diagram by title and runs it.
 */
export function parseMarbleDoc(text: string, source = 'marble document'): MarbleDiagram[] {
  const diagrams: MarbleDiagram[] = [];
  let block: string[] | undefined;
  let openedAt = 0;
  text.split('\n').forEach((line, index) => {
    if (block === undefined) {
      if (FENCE_OPEN.test(line)) {
        block = [];
        openedAt = index + 1;
      }
      return;
    }
    if (FENCE_CLOSE.test(line)) {
      diagrams.push(parseBlock(block, `${source}:${openedAt}`));
      block = undefined;
      return;
    }
    block.push(line);
  });
  if (block !== undefined) throw new Error(`${source}:${openedAt}: unterminated marble block`);
  return diagrams;
}

function parseBlock(lines: readonly string[], where: string): MarbleDiagram {
  let title: string | undefined;
  const rows = new Map<string, string>();
  const values: Record<string, unknown> = {};
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (line.startsWith('title:')) {
      title = line.slice('title:'.length).trim();
      continue;
    }
    const legend = WHERE.exec(line);
    if (legend !== null) {
      const [, key, json] = legend as unknown as [string, string, string];
      values[key] = JSON.parse(json) as unknown;
      continue;
    }
    const match = /^(\S+)\s+(.*)$/.exec(line);
    if (match === null) throw new Error(`${where}: row without marbles: ${line}`);
    const [, name, marbles] = match as unknown as [string, string, string];
    if (rows.has(name)) throw new Error(`${where}: row ${name} given twice`);
    rows.set(name, marbles);
  }
  if (title === undefined) throw new Error(`${where}: marble block without a title: line`);
  return { title, rows, values };
}

/** Loads every diagram of a marbles/ document. */
export function loadMarbleDoc(path: string): MarbleDiagram[] {
  return parseMarbleDoc(readFileSync(path, 'utf8'), path);
}

/** The diagram with `title`, failing loudly when the document no longer has it. */
export function diagram(diagrams: readonly MarbleDiagram[], title: string): MarbleDiagram {
  const found = diagrams.find((d) => d.title === title);
  if (found === undefined) throw new Error(`no marble diagram titled "${title}"`);
  return found;
}

/** The marble string of a row, failing loudly when the row is missing. */
export function row(d: MarbleDiagram, name: string): string {
  const marbles = d.rows.get(name);
  if (marbles === undefined) throw new Error(`diagram "${d.title}" has no row ${name}`);
  return marbles;
}
