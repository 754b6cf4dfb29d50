/**
 * The reverse path's offsets as Spark reports them (docs/wire-protocol.md, "Offsets"; vectors in
 * docs/wire-vectors.json): the connector's offset is `{"batchId": n}`, and its source shows in a
 * query's progress as `drls[<streamId>]`.
 */

/** The source description Spark's progress gives a drls source of stream `streamId`. */
export function sourceDescription(streamId: string): string {
  return `drls[${streamId}]`;
}

/** A source offset: the coordinator batch id, and the stream incarnation it counts in (null when it names none). */
export interface SourceOffset {
  readonly batchId: number;
  readonly incarnation: string | null;
}

const INCARNATION = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * An offset as Spark Connect's progress gives it (a JSON string) or as Spark's own
 * SourceProgress.json() does (an object); undefined for anything that is not an offset.
 */
export function parseOffset(offset: unknown): SourceOffset | undefined {
  let value = offset;
  if (typeof offset === 'string') {
    try {
      value = JSON.parse(offset);
    } catch {
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object') return undefined;
  const { batchId, incarnation } = value as { batchId?: unknown; incarnation?: unknown };
  if (typeof batchId !== 'number' || !Number.isSafeInteger(batchId)) return undefined;
  if (incarnation !== undefined && (typeof incarnation !== 'string' || !INCARNATION.test(incarnation))) return undefined;
  return { batchId, incarnation: incarnation ?? null };
}

/** The batch id of an offset (see parseOffset), undefined for anything that is not an offset. */
export function offsetBatchId(offset: unknown): number | undefined {
  return parseOffset(offset)?.batchId;
}
