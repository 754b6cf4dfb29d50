package io.drls.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver side of the sink. {@code commit} tells Node an epoch is complete (Node publishes it
 * once, however often Spark calls); in driver mode it also carries every partition's data.
 */
final class DrlsStreamingWrite implements StreamingWrite {
  private static final Logger LOG = LoggerFactory.getLogger(DrlsStreamingWrite.class);

  private final StructType schema;
  private final String timeZone;
  private final DrlsOptions options;

  DrlsStreamingWrite(StructType schema, String timeZone, DrlsOptions options) {
    this.schema = schema;
    this.timeZone = timeZone;
    this.options = options;
  }

  @Override
  public StreamingDataWriterFactory createStreamingWriterFactory(PhysicalWriteInfo info) {
    return new DrlsWriterFactory(schema, timeZone, options);
  }

  /**
   * Spark's commit coordinator would add a driver round trip to every task. Node already keeps
   * each attempt's data apart and publishes only the attempts this driver's commit names (one
   * per partition), so a speculative or retried attempt that also committed is dropped there.
   */
  @Override
  public boolean useCommitCoordinator() {
    return false;
  }

  @Override
  public void commit(long epochId, WriterCommitMessage[] messages) {
    List<DrlsCommitMessage> parts = new ArrayList<>();
    for (WriterCommitMessage m : messages) {
      if (m != null) parts.add((DrlsCommitMessage) m);
    }
    parts.sort(Comparator.comparingInt(DrlsCommitMessage::partition));
    List<Map<String, Object>> summary = new ArrayList<>();
    for (DrlsCommitMessage p : parts) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("partition", p.partition());
      s.put("attempt", p.attempt());
      s.put("rows", p.rows());
      s.put("batches", p.batches());
      summary.add(s);
    }
    Map<String, Object> commit = new LinkedHashMap<>();
    commit.put("epoch", epochId);
    commit.put("partitions", summary);
    try {
      JsonNode ok = options.useJvmSink() ? commitOnly(epochId, commit) : sendAndCommit(epochId, parts, commit);
      if (ok.path("duplicate").asBoolean(false)) {
        LOG.info("drls stream {}: epoch {} was already committed; nothing delivered again",
            options.streamId(), epochId);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("drls stream \"" + options.streamId() + "\": commit of epoch "
          + epochId + " failed: " + e.getMessage(), e);
    }
  }

  private JsonNode commitOnly(long epochId, Map<String, Object> commit) throws IOException {
    try (WireConnection c = WireConnection.open(options, "commit", Map.of("epoch", epochId))) {
      c.sendJson(FrameType.COMMIT, commit);
      c.flush();
      return c.expectOk();
    }
  }

  private JsonNode sendAndCommit(long epochId, List<DrlsCommitMessage> parts, Map<String, Object> commit)
      throws IOException {
    try (WireConnection c = WireConnection.open(options, "driver-write", Map.of("epoch", epochId))) {
      for (DrlsCommitMessage p : parts) {
        List<byte[]> data = p.data() == null ? List.of() : p.data();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("op", "partition");
        header.put("partition", p.partition());
        header.put("attempt", p.attempt());
        header.put("batches", data.size());
        c.sendJson(FrameType.REQUEST, header);
        for (byte[] ipc : data) c.send(FrameType.DATA, ipc);
      }
      c.sendJson(FrameType.COMMIT, commit);
      c.flush();
      return c.expectOk();
    }
  }

  @Override
  public void abort(long epochId, WriterCommitMessage[] messages) {
    try (WireConnection c = WireConnection.open(options, "commit", Map.of("epoch", epochId))) {
      c.sendJson(FrameType.ABORT, Map.of("epoch", epochId));
      c.flush();
      c.expectOk();
    } catch (IOException e) {
      // Abort is best effort: Node drops uncommitted attempts anyway when the epoch commits.
      LOG.warn("drls stream {}: abort of epoch {} could not reach the endpoint: {}",
          options.streamId(), epochId, e.getMessage());
    }
  }
}
