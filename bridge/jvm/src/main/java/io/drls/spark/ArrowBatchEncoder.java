package io.drls.spark;

import java.io.IOException;
import java.nio.channels.Channels;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.arrow.ArrowWriter;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;

/**
 * Turns a partition's rows into Arrow record batches, each serialized as a complete Arrow IPC
 * stream (schema, one batch, end marker) so Node can decode every DATA frame on its own.
 */
final class ArrowBatchEncoder implements AutoCloseable {
  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final ArrowWriter writer;
  private final int maxRows;
  private final IpcBuffer buffer = new IpcBuffer(1 << 16);
  private int rowsInBatch;

  ArrowBatchEncoder(StructType schema, String timeZoneId, int maxRows, String owner) {
    this.allocator = ArrowUtils.rootAllocator().newChildAllocator(owner, 0, Long.MAX_VALUE);
    this.root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema, timeZoneId), allocator);
    this.writer = ArrowWriter.create(root);
    this.maxRows = maxRows;
  }

  /** Adds a row; returns true when the batch is full and should be taken with {@link #finish}. */
  boolean add(InternalRow row) {
    writer.write(row);
    rowsInBatch++;
    return rowsInBatch >= maxRows;
  }

  int pendingRows() {
    return rowsInBatch;
  }

  /**
   * Serializes the pending rows as one IPC stream and starts a new batch. The returned buffer is
   * reused by the next call: send it (or copy it) before adding more rows.
   */
  IpcBuffer finish() throws IOException {
    writer.finish();
    buffer.reset();
    try (ArrowStreamWriter ipc = new ArrowStreamWriter(root, null, Channels.newChannel(buffer))) {
      ipc.start();
      ipc.writeBatch();
      ipc.end();
    }
    writer.reset();
    rowsInBatch = 0;
    return buffer;
  }

  @Override
  public void close() {
    root.close();
    allocator.close();
  }
}
