import { checkNonEmptyString, checkObject, checkOneOf } from '../../../runtime/base/index.js';

/** When the stream log asks the disk to make its writes durable (fsync). */
export type FsyncPolicy = 'always' | 'epoch' | 'never';
export const FSYNC_POLICIES: readonly FsyncPolicy[] = ['always', 'epoch', 'never'];

/**
 * A stream log on Node's disk (apart from Spark's checkpointLocation): what the stream carries
 * survives a Node restart. See README, "Durable streams".
 */
export interface StreamLogOptions {
  /** The log's directory, on Node's disk; created if missing. One stream per directory. */
  dir: string;
  /**
   * - 'epoch' (default): a forward epoch's data is fsynced once, before Spark's commit of it is
   *   answered; a reverse batch before Spark can first see it (Spark's next `latest`).
   * - 'always': every record is fsynced as it is written.
   * - 'never': no fsync: survives Node being killed (the kernel holds the writes), not the machine
   *   crashing.
   */
  fsync?: FsyncPolicy;
}

export interface ValidLogOptions {
  readonly dir: string;
  readonly fsync: FsyncPolicy;
}

/** Checks `options.log` at the edge; undefined when there is no log. */
export function checkLogOptions(log: unknown, name = 'options.log'): ValidLogOptions | undefined {
  if (log === undefined) return undefined;
  checkObject(log, name);
  const { dir, fsync = 'epoch' } = log as Partial<StreamLogOptions>;
  checkNonEmptyString(dir, `${name}.dir`);
  checkOneOf(fsync, `${name}.fsync`, FSYNC_POLICIES);
  return { dir, fsync };
}
