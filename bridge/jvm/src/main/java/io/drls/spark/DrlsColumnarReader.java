package io.drls.spark;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Fetches a range of coordinator batches from Node, in order over one connection, and hands
 * their record batches to Spark as ArrowColumnVectors over the received buffers. DATA frames are
 * read lazily, one IPC stream at a time, so a large batch never sits in memory twice.
 */
final class DrlsColumnarReader implements PartitionReader<ColumnarBatch> {
  private final StructType schema;
  private final DrlsOptions options;
  private final long last;
  private long batchId; // the batch being read
  private long requested; // the newest batch asked for: one ahead of batchId while the range lasts
  private final BufferAllocator allocator;
  private WireConnection connection;
  private TaskInterruptWatch watch;
  private ArrowStreamReader current;
  private ColumnarBatch batch;
  private boolean done;

  DrlsColumnarReader(StructType schema, DrlsOptions options, long first, long last) {
    this.schema = schema;
    this.options = options;
    this.batchId = first;
    this.requested = first - 1;
    this.last = last;
    this.allocator = ArrowUtils.rootAllocator().newChildAllocator("drls-reader-" + first, 0, Long.MAX_VALUE);
  }

  @Override
  public boolean next() throws IOException {
    if (done) return false;
    if (connection == null) open();
    while (true) {
      if (current != null && current.loadNextBatch()) {
        batch.setNumRows(current.getVectorSchemaRoot().getRowCount());
        return true;
      }
      closeCurrent();
      Frame f = connection.read();
      if (f.type() == FrameType.OK) {
        if (batchId >= last) {
          done = true;
          return false;
        }
        batchId++;
        fetchAhead();
        continue;
      }
      if (f.type() != FrameType.DATA) {
        throw new IOException(connection.label() + ": expected DATA or OK while fetching batch "
            + batchId + ", got " + FrameType.name(f.type()));
      }
      current = new ArrowStreamReader(new ByteArrayInputStream(f.payload()), allocator);
      VectorSchemaRoot root = current.getVectorSchemaRoot();
      StructType got = ArrowSchemas.toSpark(root.getSchema());
      // Nullability may differ batch to batch (Arrow JS marks most fields nullable); types and
      // names may not, or the column vectors would not be what Spark planned for.
      if (!DataType.equalsStructurally(got, schema, true) || !Arrays.equals(got.fieldNames(), schema.fieldNames())) {
        throw new IllegalStateException("drls stream \"" + options.streamId() + "\": batch " + batchId
            + " has schema " + got.simpleString() + " but the stream's schema is " + schema.simpleString());
      }
      List<FieldVector> vectors = root.getFieldVectors();
      ColumnVector[] columns = new ColumnVector[vectors.size()];
      for (int i = 0; i < columns.length; i++) columns[i] = new ArrowColumnVector(vectors.get(i));
      batch = new ColumnarBatch(columns);
    }
  }

  private void open() throws IOException {
    connection = WireConnection.open(options, "source", Map.of());
    watch = TaskInterruptWatch.watch(connection);
    fetchAhead();
  }

  /**
   * Asks for the batch being read and the one after it, if not asked yet: Node answers in order,
   * so it sends the next batch while Spark reads this one, instead of waiting for a round trip.
   */
  private void fetchAhead() throws IOException {
    long upTo = Math.min(batchId + 1, last);
    if (requested >= upTo) return;
    while (requested < upTo) {
      requested++;
      connection.sendJson(FrameType.REQUEST, Map.of("op", "fetch", "batchId", requested));
    }
    connection.flush();
  }

  @Override
  public ColumnarBatch get() {
    return batch;
  }

  private void closeCurrent() throws IOException {
    if (current != null) current.close();
    current = null;
    batch = null;
  }

  @Override
  public void close() throws IOException {
    try {
      closeCurrent();
      if (watch != null) watch.close();
      if (connection != null) connection.close();
    } finally {
      allocator.close();
    }
  }
}
