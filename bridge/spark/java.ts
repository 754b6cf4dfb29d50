import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SparkSetupFailedError } from '../../runtime/base/index.js';

/** The java binary to launch: $JAVA_HOME/bin/java when set, else `java` on the PATH. */
export function javaBinary(): string {
  const home = process.env['JAVA_HOME'];
  return home ? join(home, 'bin', 'java') : 'java';
}

/** Fail with what to do when Java is missing or older than the 17 Spark 4 needs. */
export function checkJava(): { binary: string; major: number } {
  const binary = javaBinary();
  const r = spawnSync(binary, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    throw new SparkSetupFailedError(
      `Java was not found (tried \`${binary} -version\`: ${r.error?.message ?? `exit ${r.status}`}). ` +
        `Spark ${'4'} needs Java 17 or newer: install a JDK 17+ (e.g. \`apt-get install openjdk-17-jdk-headless\`) ` +
        `and put \`java\` on the PATH or set JAVA_HOME.`,
    );
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  const first = Number(m?.[1] ?? 0);
  const major = first === 1 ? Number(m?.[2] ?? 0) : first;
  if (major < 17) {
    throw new SparkSetupFailedError(
      `Java ${major || 'of an unknown version'} was found at \`${binary}\`, but Spark 4 needs Java 17 or newer; ` +
        `install a JDK 17+ and put it first on the PATH or set JAVA_HOME.`,
    );
  }
  return { binary, major };
}
