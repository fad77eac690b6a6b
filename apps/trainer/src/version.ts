/** The CLI's version, from its package.json (read at build time by the bundler, at run time from source). */
import pkg from '../package.json' with { type: 'json' };

/** `graft --version`. */
export const CLI_VERSION: string = pkg.version;
