import type { Secret } from '../core/secret.js';

/**
 * Unvalidated profile entries, as read from .ovpn text or built from the options object, with
 * the source line when there is one. {@link validateProfile} turns a draft into a `Profile`.
 */
export interface DraftDirective {
  readonly kind: 'Directive';
  readonly name: string;
  readonly args: readonly string[];
  readonly line?: number;
}

export interface DraftInlineBlock {
  readonly kind: 'InlineBlock';
  readonly tag: string;
  readonly content: string | Secret;
  readonly line?: number;
}

export interface DraftConnectionBlock {
  readonly kind: 'ConnectionBlock';
  readonly directives: readonly DraftDirective[];
  readonly line?: number;
}

export type DraftEntry = DraftDirective | DraftInlineBlock | DraftConnectionBlock;

/** Shorthand for a directive without a source line. */
export const draftDirective = (name: string, ...args: readonly string[]): DraftDirective => ({
  kind: 'Directive',
  name,
  args,
});
