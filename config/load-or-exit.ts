import { ConfigError, loadConfig, type Config } from './config';

/**
 * The configuration of a process (the service, a command-line tool); a bad
 * setting prints its one line (`NAME: what is wrong`) on stderr and exits 1.
 */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
