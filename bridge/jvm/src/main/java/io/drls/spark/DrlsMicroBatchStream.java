package io.drls.spark;

import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.SupportsTriggerAvailableNow;
import org.apache.spark.sql.types.StructType;

/**
 * Micro-batches over the coordinator's batch ids: the range (start, end] becomes one input
 * partition per batch, each fetched by an executor straight from Node. A restart resumes from the
 * checkpointed offset; a batch Node no longer holds fails the query (see DrlsColumnarReader).
 * {@code maxBatchesPerTrigger} caps a micro-batch; {@code Trigger.AvailableNow} reads up to the
 * batch that was latest when the query started, then stops.
 */
final class DrlsMicroBatchStream implements MicroBatchStream, SupportsTriggerAvailableNow {
  private final StructType schema;
  private final DrlsOptions options;
  private final SourceClient client;
  private long availableNowEnd = Long.MAX_VALUE;

  DrlsMicroBatchStream(StructType schema, DrlsOptions options) {
    this.schema = schema;
    this.options = options;
    this.client = new SourceClient(options);
  }

  @Override
  public Offset initialOffset() {
    return new BatchIdOffset(-1);
  }

  @Override
  public Offset latestOffset() {
    SourceClient.Latest latest = client.latest();
    return new BatchIdOffset(Math.min(latest.batchId(), availableNowEnd), latest.incarnation());
  }

  @Override
  public Offset latestOffset(Offset start, ReadLimit limit) {
    SourceClient.Latest now = client.latest();
    long latest = Math.min(now.batchId(), availableNowEnd);
    long from = start == null ? -1 : readFrom((BatchIdOffset) start, now.incarnation());
    if (options.maxBatchesPerTrigger() > 0) latest = Math.min(latest, from + options.maxBatchesPerTrigger());
    return new BatchIdOffset(Math.max(latest, from), now.incarnation());
  }

  /**
   * The batch id a micro-batch starting at {@code start} reads after. A start written for another
   * incarnation of the stream (a stream created anew under the same id) fails the query, or, when
   * the user asked for it, reads the new incarnation from its first batch: never a silent skip.
   */
  private long readFrom(BatchIdOffset start, String incarnation) {
    if (incarnation == null || start.sameIncarnation(new BatchIdOffset(start.batchId(), incarnation))) return start.batchId();
    if (!options.restartOnIncarnationChange()) throw Incarnations.changed(options.streamId(), start, incarnation);
    return -1;
  }

  @Override
  public ReadLimit getDefaultReadLimit() {
    return ReadLimit.allAvailable();
  }

  @Override
  public Offset reportLatestOffset() {
    SourceClient.Latest latest = client.latest();
    return new BatchIdOffset(latest.batchId(), latest.incarnation());
  }

  @Override
  public void prepareForTriggerAvailableNow() {
    availableNowEnd = client.latest().batchId();
  }

  @Override
  public Offset deserializeOffset(String json) {
    return BatchIdOffset.parse(json);
  }

  @Override
  public InputPartition[] planInputPartitions(Offset start, Offset end) {
    BatchIdOffset first = (BatchIdOffset) start;
    BatchIdOffset last = (BatchIdOffset) end;
    // An end in another incarnation than its start was planned by readFrom: the new one from its first batch.
    long from = first.sameIncarnation(last) ? first.batchId() + 1 : 0;
    long to = last.batchId();
    long n = Math.max(0, to - from + 1);
    return split(from, n, Math.max(1, parallelism()));
  }

  /** {@code n} batches from {@code from}, cut into at most {@code slots} contiguous ranges of near-equal size. */
  static InputPartition[] split(long from, long n, int slots) {
    int parts = (int) Math.min(n, slots);
    InputPartition[] out = new InputPartition[parts];
    long next = from;
    for (int i = 0; i < parts; i++) {
      long size = n / parts + (i < n % parts ? 1 : 0);
      out[i] = new DrlsInputPartition(next, next + size - 1);
      next += size;
    }
    return out;
  }

  /** As many ranges as the cluster runs tasks at once (the stream's session's default parallelism). */
  private static int parallelism() {
    scala.Option<org.apache.spark.sql.SparkSession> session = org.apache.spark.sql.SparkSession.getActiveSession();
    if (session.isEmpty()) session = org.apache.spark.sql.SparkSession.getDefaultSession();
    // No session here (a unit test planning offsets): one range.
    return session.isEmpty() ? 1 : session.get().sparkContext().defaultParallelism();
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new DrlsReaderFactory(schema, options);
  }

  @Override
  public void commit(Offset end) {
    long batchId = ((BatchIdOffset) end).batchId();
    // -1 is the offset before the first batch: there is nothing to free yet.
    if (batchId >= 0) client.commit(batchId);
  }

  @Override
  public void stop() {
    client.close();
  }

  @Override
  public String toString() {
    return "drls[" + options.streamId() + "]";
  }
}
