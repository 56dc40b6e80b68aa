/** Collects target verdicts and prints them once more at the end. */
export class Report {
  readonly #verdicts: string[] = [];

  /** Prints a figure. */
  line(text: string): void {
    process.stdout.write(`${text}\n`);
  }

  /** Prints a figure against its target and keeps the verdict for the summary. */
  judge(what: string, value: string, target: string, met: boolean): void {
    const verdict = `${what}: ${value} (target ${target}): ${met ? 'met' : 'MISSED'}`;
    this.#verdicts.push(verdict);
    this.line(verdict);
  }

  summary(): void {
    this.line('\nTargets:');
    for (const verdict of this.#verdicts) this.line(`  ${verdict}`);
  }
}
