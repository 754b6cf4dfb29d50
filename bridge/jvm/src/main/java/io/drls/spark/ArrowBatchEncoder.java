package io.drls.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

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
  /** How often (in rows) the generic path measures its vectors against maxBytes. */
  private static final int GENERIC_BYTES_CHECK = 16;

  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  /** The fast path for flat schemas; null when Spark's ArrowWriter does the work. */
  private final FlatRowWriter flat;
  private final ArrowWriter writer;
  private final int maxRows;
  private final long maxBytes;
  private int rowsInBatch;

  ArrowBatchEncoder(StructType schema, String timeZoneId, int maxRows, long maxBytes, String owner) {
    this.allocator = ArrowUtils.rootAllocator().newChildAllocator(owner, 0, Long.MAX_VALUE);
    this.root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema, timeZoneId), allocator);
    this.flat = FlatRowWriter.create(root, maxRows, maxBytes);
    this.writer = flat == null ? ArrowWriter.create(root) : null;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
  }

  /**
   * Adds a row; returns true when the batch is full (maxRows rows, or maxBytes bytes reached by
   * its last row): take it with {@link #sendTo} or {@link #finish}. The byte limit keeps wide
   * rows from making a batch that is huge or larger than a frame may be.
   */
  boolean add(InternalRow row) {
    rowsInBatch++;
    if (flat != null) {
      flat.write(row);
      return rowsInBatch >= maxRows || flat.bytes() >= maxBytes;
    }
    writer.write(row);
    return rowsInBatch >= maxRows || (rowsInBatch % GENERIC_BYTES_CHECK == 0 && genericBytes() >= maxBytes);
  }

  /** The vectors' bytes for the rows so far, on the ArrowWriter path (value counts are not set yet). */
  private long genericBytes() {
    long total = 0;
    for (var v : root.getFieldVectors()) total += v.getBufferSizeFor(rowsInBatch);
    return total;
  }

  int pendingRows() {
    return rowsInBatch;
  }

  /**
   * Serializes the pending rows as one IPC stream, returned as bytes of their own, and starts a
   * new batch (the driver-side path keeps these until the driver sends them).
   */
  byte[] finish() throws IOException {
    finishRows();
    // Counted first, then copied once from Arrow's buffers into an array of exactly that size.
    ByteSink counter = new ByteSink(null);
    writeIpc(counter);
    ByteSink filler = new ByteSink(new byte[Math.toIntExact(counter.bytes)]);
    writeIpc(filler);
    resetRows();
    return filler.into;
  }

  /**
   * Sends the pending rows to {@code connection} as one DATA frame and starts a new batch. The
   * IPC stream is written from Arrow's own off-heap buffers; a first pass only counts its
   * bytes, which the frame header needs before the payload.
   */
  void sendTo(WireConnection connection) throws IOException {
    finishRows();
    ByteSink counter = new ByteSink(null);
    writeIpc(counter);
    writeIpc(connection.beginData(Math.toIntExact(counter.bytes)));
    resetRows();
  }

  private void finishRows() {
    if (flat != null) flat.finish();
    else writer.finish();
  }

  private void resetRows() {
    if (flat != null) flat.reset();
    else writer.reset();
    rowsInBatch = 0;
  }

  private void writeIpc(WritableByteChannel channel) throws IOException {
    try (ArrowStreamWriter ipc = new ArrowStreamWriter(root, null, channel)) {
      ipc.start();
      ipc.writeBatch();
      ipc.end();
    }
  }

  /**
   * Where an IPC stream is written to learn its length (no array: the bytes are only counted) or
   * to copy it into an array of that length.
   */
  private static final class ByteSink implements WritableByteChannel {
    final byte[] into;
    long bytes;

    ByteSink(byte[] into) {
      this.into = into;
    }

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      if (into == null) src.position(src.limit());
      else src.get(into, (int) bytes, n);
      bytes += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  @Override
  public void close() {
    root.close();
    allocator.close();
  }
}
