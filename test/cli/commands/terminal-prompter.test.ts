import { describe, expect, it, jest } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { createTerminalPrompter } from '../../../src/cli/commands/terminal-prompter.js';

// A fake terminal: keys typed into `input`, everything shown collected in `shown()`.
const fakeTerminal = () => {
  const input = new PassThrough();
  let shown = '';
  const output = {
    write: (chunk: string) => {
      shown += chunk;
      return true;
    },
  };
  return { input, output, shown: () => shown };
};

describe('createTerminalPrompter', () => {
  it('shows the question and does not echo a hidden answer', async () => {
    const terminal = fakeTerminal();
    const prompter = createTerminalPrompter({ ...terminal, onInterrupt: () => undefined });
    const answer = firstValueFrom(prompter.ask('Password: ', { hidden: true }));
    terminal.input.write('s3cr3t\r');
    expect(await answer).toBe('s3cr3t');
    expect(terminal.shown()).toContain('Password: ');
    expect(terminal.shown()).not.toContain('s3cr3t');
    expect(terminal.shown().endsWith('\n')).toBe(true);
  });

  it('echoes a visible answer', async () => {
    const terminal = fakeTerminal();
    const prompter = createTerminalPrompter({ ...terminal, onInterrupt: () => undefined });
    const answer = firstValueFrom(prompter.ask('Username: ', { hidden: false }));
    terminal.input.write('alice\r');
    expect(await answer).toBe('alice');
    expect(terminal.shown()).toContain('alice');
  });

  it('turns Ctrl-C at the prompt into an interrupt and completes without an answer', async () => {
    const terminal = fakeTerminal();
    const onInterrupt = jest.fn();
    const prompter = createTerminalPrompter({ ...terminal, onInterrupt });
    const answers = lastValueFrom(prompter.ask('Password: ', { hidden: true }).pipe(toArray()));
    terminal.input.write('\u0003');
    expect(await answers).toEqual([]);
    expect(onInterrupt).toHaveBeenCalledTimes(1);
  });

  it('fails when the input ends before an answer', async () => {
    const terminal = fakeTerminal();
    const prompter = createTerminalPrompter({ ...terminal, onInterrupt: () => undefined });
    const answer = firstValueFrom(prompter.ask('Username: ', { hidden: false }));
    terminal.input.end();
    await expect(answer).rejects.toThrow('the terminal input ended');
  });

  it('sets the status line aside while the question is open, and back when answered', async () => {
    const terminal = fakeTerminal();
    const events: string[] = [];
    const prompter = createTerminalPrompter({
      ...terminal,
      onInterrupt: () => undefined,
      onOpen: () => events.push('open'),
      onClose: () => events.push('close'),
    });
    const answer = firstValueFrom(prompter.ask('Username: ', { hidden: false }));
    expect(events).toEqual(['open']);
    terminal.input.write('bob\r');
    await answer;
    expect(events).toEqual(['open', 'close']);
  });

  it('withdraws the question when unsubscribed, and stops reading the input', () => {
    const terminal = fakeTerminal();
    const onClose = jest.fn();
    const prompter = createTerminalPrompter({ ...terminal, onInterrupt: () => undefined, onClose });
    const answers: string[] = [];
    const subscription = prompter.ask('Username: ', { hidden: false }).subscribe((line) => {
      answers.push(line);
    });
    subscription.unsubscribe();
    terminal.input.write('late\r');
    expect(answers).toEqual([]);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(terminal.input.listenerCount('keypress')).toBe(0);
  });
});
