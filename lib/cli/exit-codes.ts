/** Exit codes shared by every command. */
export const EXIT_OK = 0;
/** A check or comparison failed; a benchmark measured nothing. */
export const EXIT_FAILED = 1;
/** A usage or input error: bad option, file, model or shape; TensorRT not installed. */
export const EXIT_USAGE = 2;
/** Stopped by Ctrl-C (128 + SIGINT), after keeping what finished. */
export const EXIT_INTERRUPTED = 130;
