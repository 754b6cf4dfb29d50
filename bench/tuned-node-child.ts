/**
 * The bridge bench's Node side in a child process started with Node flags of the parent's
 * choosing (the README's `--initial-old-space-size`), connected to the parent's Spark
 * Connect server, so one bench run compares both Node set-ups against the same baselines
 * (the bridge bench's forward and wire runs, the Node-cost bench's ingest runs).
 * Speaks over the fork IPC channel: init, then run or wire as often as asked, then exit.
 */
import { initSpark, stopSpark } from '../bridge/spark/index.js';
import type { SparkSession } from '../bridge/connect/index.js';
import { shutdown } from '../runtime/index.js';
import { drlsForward, wire, type IngestRun } from './bridge-runs.js';

export type ChildRequest =
  | { readonly type: 'init'; readonly remote: string; readonly dir: string }
  /** A forward run on the init's input, or on `dir` with `filesPerTrigger` files per epoch when given. */
  | { readonly type: 'run'; readonly useJvmSink: boolean; readonly dir?: string; readonly filesPerTrigger?: number }
  | { readonly type: 'wire'; readonly totalMiB: number }
  | { readonly type: 'exit' };

export type ChildReply =
  | { readonly type: 'ready' }
  | ({ readonly type: 'done' } & IngestRun)
  | { readonly type: 'wired'; readonly bytesPerSec: number }
  | { readonly type: 'failed'; readonly message: string };

let spark: SparkSession | undefined;
let dir = '';

function reply(r: ChildReply): void {
  process.send!(r);
}

async function handle(req: ChildRequest): Promise<void> {
  switch (req.type) {
    case 'init':
      spark = await initSpark({ remote: req.remote });
      dir = req.dir;
      reply({ type: 'ready' });
      return;
    case 'run':
      reply({ type: 'done', ...(await drlsForward(spark!, req.dir ?? dir, req.useJvmSink, req.filesPerTrigger)) });
      return;
    case 'wire':
      reply({ type: 'wired', bytesPerSec: await wire(req.totalMiB) });
      return;
    case 'exit':
      await stopSpark();
      shutdown();
      process.disconnect();
  }
}

process.on('message', (req: ChildRequest) => {
  handle(req).catch((err: unknown) => reply({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) }));
});
// The parent went away (finished or failed): nothing is left to do.
process.on('disconnect', () => process.exit(0));
