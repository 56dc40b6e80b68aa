/**
 * Test-only lexer for one management command line, following the spec's "Command Parsing"
 * rules: whitespace separates parameters; "..." and '...' enclose them; outside single quotes
 * `\\`, `\"` and `\ ` are escapes; any other backslash is refused (openvpn 2.6 warns and does
 * not run the command). Returns the parameters, or a string saying why the line is refused.
 */
export const lexCommandLine = (line: string): string[] | string => {
  const params: string[] = [];
  let current: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current = (current ?? '') + char;
      continue;
    }
    if (char === '\\') {
      const next = line[i + 1];
      if (next !== '\\' && next !== '"' && next !== ' ') return `bad escape at ${i}`;
      current = (current ?? '') + next;
      i += 1;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else current = (current ?? '') + char;
      continue;
    }
    if (char === ' ' || char === '\t') {
      if (current !== undefined) params.push(current);
      current = undefined;
      continue;
    }
    if ((char === '"' || char === "'") && current === undefined) {
      quote = char;
      current = '';
      continue;
    }
    current = (current ?? '') + char;
  }
  if (quote !== undefined) return 'unterminated quote';
  if (current !== undefined) params.push(current);
  return params;
};
