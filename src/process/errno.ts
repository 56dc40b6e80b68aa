/**
 * The `code` of a Node system error (`ENOENT`, `ESRCH`, ...). Read by shape, not by
 * `instanceof Error`: errors may come from another realm (a vm context, a test runner).
 */
export const errnoOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
