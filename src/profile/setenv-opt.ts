/**
 * `setenv opt <directive> <args…>` makes OpenVPN apply `<directive>` and only warn when it does
 * not know it (checked with openvpn 2.6.14: `setenv opt up /bin/true` sets the up script).
 * Profiles use it for platform options like `block-outside-dns`; every rule and summary must look
 * through it, or it would smuggle any directive past them.
 */

/** The shape shared by drafts and validated directives. */
interface DirectiveLike {
  readonly name: string;
  readonly args: readonly string[];
}

/** True for `setenv opt …`. */
export const isSetenvOpt = (directive: DirectiveLike): boolean =>
  directive.name === 'setenv' && directive.args[0] === 'opt';

/** The directive OpenVPN actually applies: the wrapped one for `setenv opt`, else itself. */
export function effectiveDirective<D extends DirectiveLike>(directive: D): D {
  const [, name, ...args] = directive.args;
  return isSetenvOpt(directive) && name !== undefined ? { ...directive, name, args } : directive;
}

/** Wraps `directive` back into `setenv opt`. */
export const wrapSetenvOpt = <D extends DirectiveLike>(directive: D): D => ({
  ...directive,
  name: 'setenv',
  args: ['opt', directive.name, ...directive.args],
});
