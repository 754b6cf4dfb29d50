package io.drls.spark;

import java.io.IOException;
import java.util.Optional;

import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.SupportsTriggerAvailableNow;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micro-batches over the coordinator's batch ids: the range (start, end] becomes one input
 * partition per batch, each fetched by an executor straight from Node. A restart resumes from the
 * checkpointed offset; a batch Node no longer holds fails the query (see DrlsColumnarReader).
 * {@code maxBatchesPerTrigger} caps a micro-batch; {@code Trigger.AvailableNow} reads up to the
 * batch that was latest when the query started, then stops. When the query stops, the newest
 * micro-batch its checkpoint says was committed is acknowledged (see {@link #stop()}).
 */
final class DrlsMicroBatchStream implements MicroBatchStream, SupportsTriggerAvailableNow {
  private static final Logger LOG = LoggerFactory.getLogger(DrlsMicroBatchStream.class);

  private final StructType schema;
  private final DrlsOptions options;
  /** This source's folder in the query's checkpoint ({@code <root>/sources/<id>}); null when not known. */
  private final String checkpointLocation;
  private final SourceClient client;
  private long availableNowEnd = Long.MAX_VALUE;

  DrlsMicroBatchStream(StructType schema, DrlsOptions options) {
    this(schema, options, null);
  }

  DrlsMicroBatchStream(StructType schema, DrlsOptions options, String checkpointLocation) {
    this.schema = schema;
    this.options = options;
    this.checkpointLocation = checkpointLocation;
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
    // No session here (a unit test planning offsets): one range.
    return Sessions.current().map(s -> s.sparkContext().defaultParallelism()).orElse(1);
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

  /**
   * Spark stops its sources as the query ends, before {@code awaitTermination} returns (and before
   * a temporary checkpoint is deleted). Spark would commit the newest finished micro-batch only
   * when it plans the next one, which an ended query (AvailableNow) or a stopped one never does, so
   * Node would count that batch unread: it is acknowledged here, as far as the checkpoint's commit
   * log says the sink got (CheckpointProgress), which is where a restart would go on from. Best
   * effort: at most {@code connectTimeoutMs} is spent on it, and a failure is logged, never thrown.
   */
  @Override
  public void stop() {
    if (checkpointLocation == null) {
      client.close();
      return;
    }
    CheckpointProgress.Files files;
    try {
      files = HadoopCheckpointFiles.forSession(); // here, on the query's thread: its session's configuration
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("drls stream {}: cannot read the query's checkpoint to acknowledge its last batch: {}", options.streamId(), e.toString());
      client.close();
      return;
    }
    // On a thread of its own, so that a checkpoint filesystem or a Node that does not answer cannot hold the query's stop.
    Thread ack = new Thread(() -> {
      try {
        acknowledgeCommitted(files);
      } catch (Exception | LinkageError e) {
        LOG.warn("drls stream {}: the last batch of the query's checkpoint {} was not acknowledged: {}",
            options.streamId(), checkpointLocation, e.getMessage() == null ? e.toString() : e.getMessage());
      } finally {
        client.close();
      }
    }, "drls-source-stop-" + options.streamId());
    ack.setDaemon(true);
    ack.start();
    try {
      ack.join(options.connectTimeoutMs());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ack.isAlive()) {
      // Closed from here, a read blocked on a Node that never answers fails, and the client opens no other.
      client.close();
      LOG.warn("drls stream {}: gave up after {} ms acknowledging the last batch of the query's checkpoint {}",
          options.streamId(), options.connectTimeoutMs(), checkpointLocation);
    }
  }

  /** Commits this source's end offset of the newest micro-batch in the checkpoint's commit log, if any. */
  private void acknowledgeCommitted(CheckpointProgress.Files files) throws IOException {
    Optional<BatchIdOffset> committed = CheckpointProgress.committed(files, checkpointLocation);
    if (committed.isEmpty() || committed.get().batchId() < 0) {
      LOG.info("drls stream {}: the query's checkpoint {} has no committed batch of it to acknowledge", options.streamId(), checkpointLocation);
      return;
    }
    BatchIdOffset done = committed.get();
    // Only batch ids of the stream now there: a checkpoint written for another incarnation (a query
    // that failed at start on it) names batch ids this stream never gave, and must not free its batches.
    SourceClient.Latest now = client.latest();
    if (!done.sameIncarnation(new BatchIdOffset(now.batchId(), now.incarnation())) || done.batchId() > now.batchId()) {
      LOG.warn("drls stream {}: the query's checkpoint {} is at batch {} of stream incarnation {}, but the stream is at batch {} of "
          + "incarnation {}: not acknowledged", options.streamId(), checkpointLocation, done.batchId(), done.incarnation(),
          now.batchId(), now.incarnation());
      return;
    }
    client.commit(done.batchId());
  }

  @Override
  public String toString() {
    return "drls[" + options.streamId() + "]";
  }
}
