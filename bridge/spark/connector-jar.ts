import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectorJarMissingError, packageRoot } from '../../runtime/base/index.js';

/** Where the drls JVM connector jar lives (built by bridge/jvm/build.sh, shipped in the package). */
export function connectorJarPath(): string {
  return join(packageRoot(), 'bridge', 'jvm', 'target', 'drls-connector.jar');
}

/** The connector jar, or a typed error saying how to build it: never a silent miss that Spark reports later. */
export function requireConnectorJar(): string {
  const path = connectorJarPath();
  if (!existsSync(path)) throw new ConnectorJarMissingError(path);
  return path;
}
