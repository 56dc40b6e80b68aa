import { describe, expect, it } from '@jest/globals';
import { diagram, parseMarbleDoc, row } from './marble-doc.js';

const doc = [
  '# A policy',
  '',
  'Some prose.',
  '',
  '```marble',
  'title: source completes',
  '# a comment',
  'source    --a 10s b|',
  'expected  --a 10s b|',
  'where a = {"kind":"A"}',
  '```',
].join('\n');

describe('marble documents', () => {
  it('reads title, rows with time progression, and value legends', () => {
    const d = diagram(parseMarbleDoc(doc), 'source completes');
    expect(row(d, 'source')).toBe('--a 10s b|');
    expect(d.values).toEqual({ a: { kind: 'A' } });
  });

  it('fails loudly on a missing diagram, row or fence', () => {
    const diagrams = parseMarbleDoc(doc);
    expect(() => diagram(diagrams, 'nope')).toThrow('no marble diagram');
    expect(() => row(diagrams[0]!, 'nope')).toThrow('has no row');
    expect(() => parseMarbleDoc('```marble\ntitle: x\n')).toThrow('unterminated');
    expect(() => parseMarbleDoc('```marble\nsource --a\n```')).toThrow('without a title');
  });
});
