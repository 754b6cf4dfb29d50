package io.drls.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.types.StructType;

/**
 * One task attempt's writer. With {@code useJvmSink=true} each full batch goes to Node at once as a
 * DATA frame (the send blocks while Node holds back: backpressure), and commit waits for Node's OK.
 * Otherwise batches stay in the commit message for the driver to send.
 */
final class DrlsDataWriter implements DataWriter<InternalRow> {
  private final DrlsOptions options;
  private final long epoch;
  private final int partition;
  /** Spark's task attempt id: unique in the application, unlike the attempt number. */
  private final long attempt;
  private final int attemptNumber;
  private final ArrowBatchEncoder encoder;
  private final List<byte[]> kept = new ArrayList<>();
  private WireConnection connection;
  private TaskInterruptWatch watch;
  private long rows;
  private int batches;
  private boolean closed;

  DrlsDataWriter(StructType schema, String timeZone, DrlsOptions options, long epoch, int partition,
      long attempt, int attemptNumber) {
    this.options = options;
    this.epoch = epoch;
    this.partition = partition;
    this.attempt = attempt;
    this.attemptNumber = attemptNumber;
    this.encoder = new ArrowBatchEncoder(schema, timeZone, options.maxRowsPerBatch(), options.maxBytesPerBatch(),
        "drls-writer-" + epoch + "-" + partition + "-" + attempt);
  }

  @Override
  public void write(InternalRow row) throws IOException {
    rows++;
    if (encoder.add(row)) emit();
  }

  private void emit() throws IOException {
    batches++;
    if (!options.useJvmSink()) {
      kept.add(encoder.finish());
      return;
    }
    if (connection == null) {
      Map<String, Object> hello = new LinkedHashMap<>();
      hello.put("epoch", epoch);
      hello.put("partition", partition);
      hello.put("attempt", attempt);
      hello.put("attemptNumber", attemptNumber);
      connection = WireConnection.open(options, "write", hello);
      watch = TaskInterruptWatch.watch(connection);
    }
    encoder.sendTo(connection);
  }

  @Override
  public WriterCommitMessage commit() throws IOException {
    if (encoder.pendingRows() > 0) emit();
    if (connection != null) {
      Map<String, Object> end = new LinkedHashMap<>();
      end.put("batches", batches);
      end.put("rows", rows);
      connection.sendJson(FrameType.END, end);
      connection.flush();
      JsonNode ok = connection.expectOk();
      long accepted = ok.path("batches").asLong(-1);
      if (accepted != batches) {
        throw new IOException(connection.label() + ": Node accepted " + accepted + " batches of "
            + batches + " for epoch " + epoch + ", partition " + partition);
      }
    }
    return new DrlsCommitMessage(partition, attempt, rows, batches,
        options.useJvmSink() ? null : List.copyOf(kept));
  }

  @Override
  public void abort() throws IOException {
    // Closing before END tells Node this attempt is incomplete; it never publishes it.
    kept.clear();
    close();
  }

  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    try {
      if (watch != null) watch.close();
      if (connection != null) connection.close();
    } finally {
      connection = null;
      encoder.close();
    }
  }
}
