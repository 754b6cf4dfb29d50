// Spark for drls: the pinned Spark's set-up, the managed local Spark Connect server, initSpark/stopSpark.
export { initSpark, stopSpark, localServer } from './init.js';
export type { InitSparkOptions } from './init-spark-options.js';
export { connectorJarPath } from './connector-jar.js';
export { ensureSpark, sparkHome, cacheRoot, type SparkInstall } from './setup.js';
export { LocalSparkServer, type LocalServerOptions } from './server.js';
export { SPARK_VERSION } from './version.js';
