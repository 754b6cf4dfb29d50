// One local Spark per test process, started on first use and stopped when the process is done.
// Any test file may call getSpark(); they all share the same server and session.
import type { SparkSession } from '../../bridge/connect/index.js';
import { initSpark, stopSpark } from '../../bridge/spark/index.js';

let session: Promise<SparkSession> | null = null;
let stopping = false;

export function getSpark(): Promise<SparkSession> {
  if (!session) {
    session = initSpark({
      appName: 'drls-tests',
      // Two executors in JVMs of their own, as on a cluster: the executor sink's sockets, the
      // connector reaching them through spark.jars, and task retries cross real process bounds.
      numExecutors: 2,
      executorCores: 1,
      executorMemory: '512m',
      configs: {
        // Fixed time zone so timestamp assertions do not depend on the machine.
        'spark.sql.session.timeZone': 'UTC',
        // A failed task is retried once (the task-retry test needs it).
        'spark.task.maxFailures': 2,
      },
    });
    // beforeExit fires once the test run has nothing left to do; stopping there is graceful.
    // (If the process dies another way, the server's watchdog still stops java.)
    process.on('beforeExit', () => {
      if (stopping) return;
      stopping = true;
      void stopSpark();
    });
  }
  return session;
}
