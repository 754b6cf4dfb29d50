/**
 * The piscina worker: rebuilds the moved batches and calls the user's worker module,
 * `export default (batch: RecordBatch, info: BatchInfo) => result`, once per batch in order.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RecordBatch } from 'apache-arrow';
import { unpackBatches, type BatchPacket } from './arrow-transfer.js';
import type { BatchInfo } from './batch-info.js';

export interface WorkerTask {
  readonly module: string;
  readonly packet: BatchPacket;
  readonly batchId: number;
  readonly epoch: number | null;
  readonly partition: number;
  readonly consumer: number;
  /** The position of the packet's first batch in its partition entry (an entry read from disk comes a payload at a time). */
  readonly firstIndex: number;
}

type UserFn = (batch: RecordBatch, info: BatchInfo) => unknown;

const modules = new Map<string, Promise<UserFn>>();

function load(module: string): Promise<UserFn> {
  let fn = modules.get(module);
  if (!fn) {
    const url = module.startsWith('file:') ? module : pathToFileURL(module).href;
    fn = importModule(url).then((m: { default?: unknown }) => {
      if (typeof m.default !== 'function') {
        throw new TypeError(`worker module ${module} must export a default function (batch, info) => result`);
      }
      return m.default as UserFn;
    });
    modules.set(module, fn);
  }
  return fn;
}

/**
 * import(), falling back to require() for TypeScript sources: under tsx on Node 20 a worker
 * thread gets tsx's require hook but not its ESM loader, so `import('x.ts')` fails there.
 */
async function importModule(url: string): Promise<{ default?: unknown }> {
  try {
    return (await import(url)) as { default?: unknown };
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
    const required = createRequire(url)(fileURLToPath(url)) as { default?: unknown };
    return required;
  }
}

export default async function runTask(task: WorkerTask): Promise<unknown[]> {
  const fn = await load(task.module);
  const batches = unpackBatches(task.packet);
  const results: unknown[] = [];
  for (let index = 0; index < batches.length; index++) {
    results.push(await fn(batches[index]!, { batchId: task.batchId, epoch: task.epoch, partition: task.partition, consumer: task.consumer, index: task.firstIndex + index }));
  }
  return results;
}
