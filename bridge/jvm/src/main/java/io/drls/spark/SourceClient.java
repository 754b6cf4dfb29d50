package io.drls.spark;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;

/**
 * The driver's conversation with a source stream: schema, latest batch id, commit. One connection,
 * opened lazily and reopened once if it broke (the endpoint may have been restarted).
 */
final class SourceClient implements Closeable {
  private final DrlsOptions options;
  private WireConnection connection;
  // Set by close(), possibly from another thread: a call under way fails instead of reconnecting.
  private volatile boolean closed;

  SourceClient(DrlsOptions options) {
    this.options = options;
  }

  /**
   * The table schema for {@code inferSchema}: the source's Arrow schema mapped to Spark, or an empty
   * schema when the stream is a sink (Spark asks on writeStream too).
   */
  static StructType probeSchema(DrlsOptions options) {
    try {
      JsonNode roles;
      try (WireConnection probe = WireConnection.open(options, "probe", Map.of())) {
        roles = probe.helloReply();
      }
      if (!roles.path("source").asBoolean(false)) return new StructType();
      try (SourceClient client = new SourceClient(options)) {
        return ArrowSchemas.toSpark(client.arrowSchema());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("drls stream \"" + options.streamId()
          + "\": cannot read its schema: " + e.getMessage(), e);
    }
  }

  /** Waits (on Node's side) for the stream's first batch, then returns its Arrow schema. */
  Schema arrowSchema() throws IOException {
    WireConnection c = connection();
    c.sendJson(FrameType.REQUEST, Map.of("op", "schema"));
    c.flush();
    Frame f = c.read();
    if (f.type() != FrameType.DATA) {
      throw new IOException(c.label() + ": expected the schema as DATA, got " + FrameType.name(f.type()));
    }
    try (BufferAllocator alloc = ArrowUtils.rootAllocator().newChildAllocator("drls-schema", 0, Long.MAX_VALUE);
        ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(f.payload()), alloc)) {
      return reader.getVectorSchemaRoot().getSchema();
    }
  }

  /** The newest batch id Node holds for this stream (-1 when none yet), and the stream's incarnation (null if Node names none). */
  record Latest(long batchId, String incarnation) {}

  Latest latest() {
    JsonNode reply = call(Map.of("op", "latest"));
    JsonNode incarnation = reply.get("incarnation");
    return new Latest(reply.path("batchId").asLong(-1), incarnation != null && incarnation.isTextual() ? incarnation.asText() : null);
  }

  void commit(long batchId) {
    call(Map.of("op", "commit", "batchId", batchId));
  }

  private JsonNode call(Map<String, Object> request) {
    IOException first = null;
    for (int tries = 0; tries < 2; tries++) {
      try {
        WireConnection c = connection();
        c.sendJson(FrameType.REQUEST, request);
        c.flush();
        return c.expectOk();
      } catch (DrlsRemoteException e) {
        dropConnection();
        throw new IllegalStateException("drls stream \"" + options.streamId() + "\": " + e.getMessage(), e);
      } catch (IOException e) {
        dropConnection();
        if (first == null) first = e;
      }
    }
    throw new UncheckedIOException("drls stream \"" + options.streamId() + "\": request "
        + request.get("op") + " failed: " + first.getMessage(), first);
  }

  private WireConnection connection() throws IOException {
    if (closed) throw new IOException("the client was closed");
    if (connection == null) connection = WireConnection.open(options, "source", Map.of());
    return connection;
  }

  private void dropConnection() {
    if (connection == null) return;
    try {
      connection.close();
    } catch (IOException ignored) {
      // already broken
    }
    connection = null;
  }

  @Override
  public void close() {
    closed = true;
    dropConnection();
  }
}
