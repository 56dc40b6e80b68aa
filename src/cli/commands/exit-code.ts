/** The command did what was asked: a requested stop ended in `stopped`, a listing printed. */
export const EXIT_OK = 0;
/** The tunnel failed, an input could not be used, or an instance could not be stopped. */
export const EXIT_FAILURE = 1;
/** The command line did not parse. */
export const EXIT_USAGE = 2;
