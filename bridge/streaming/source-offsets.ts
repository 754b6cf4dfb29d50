/**
 * The reverse path's offsets as Spark reports them (docs/wire-protocol.md, "Offsets"; vectors in
 * docs/wire-vectors.json): the connector's offset is `{"batchId": n}`, and its source shows in a
 * query's progress as `drls[<streamId>]`.
 */

/** The source description Spark's progress gives a drls source of stream `streamId`. */
export function sourceDescription(streamId: string): string {
  return `drls[${streamId}]`;
}

/**
 * The batch id of an offset, as Spark Connect's progress gives it (a JSON string) or as Spark's
 * own SourceProgress.json() does (an object); undefined for anything that is not an offset.
 */
export function offsetBatchId(offset: unknown): number | undefined {
  let value = offset;
  if (typeof offset === 'string') {
    try {
      value = JSON.parse(offset);
    } catch {
      return undefined;
    }
  }
  const batchId = (value as { batchId?: unknown } | null)?.batchId;
  return typeof value === 'object' && typeof batchId === 'number' && Number.isSafeInteger(batchId) ? batchId : undefined;
}
