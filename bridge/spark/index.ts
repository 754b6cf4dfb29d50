// Spark for drls: set-up of the pinned Spark, the managed local Spark Connect server, initSpark/stopSpark.
export { initSpark, stopSpark, localServer } from './init.js';
export type { InitSparkOptions } from './options.js';
export { ensureSpark, sparkHome, cacheRoot, type SparkInstall } from './setup.js';
export { LocalSparkServer, type LocalServerOptions } from './server.js';
export { SparkSetupFailedError, SparkStartFailedError, IcebergUnavailableError } from '../../runtime/base/index.js';
export { SPARK_VERSION } from './version.js';
