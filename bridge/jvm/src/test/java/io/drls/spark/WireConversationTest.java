package io.drls.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connector's own conversations (the sink's writers and commits, the source's driver client
 * and executor reader) against a fake Node endpoint: what they send must be the frames of
 * docs/wire-vectors.json, and they must understand the vectors' answers. No Spark session.
 */
@Timeout(30)
class WireConversationTest {
  private static final StructType SCHEMA = StructType.fromDDL("id INT, name STRING");
  private static final byte[] HELLO_OK_SINK = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();

  /** The rows of the data vector, (1, "a"), (2, null), (3, "ccc"). */
  private static List<InternalRow> rows() {
    JsonNode cols = WireVectors.root().path("data").path("columns");
    List<InternalRow> rows = new ArrayList<>();
    for (int i = 0; i < cols.path("id").size(); i++) {
      JsonNode name = cols.path("name").get(i);
      rows.add(new GenericInternalRow(new Object[] {cols.path("id").get(i).asInt(),
          name.isNull() ? null : UTF8String.fromString(name.asText())}));
    }
    return rows;
  }

  private static void assertDataVectorColumns(Ipc.Decoded d) {
    JsonNode cols = WireVectors.root().path("data").path("columns");
    assertEquals(WireVectors.root().path("data").path("numRows").asInt(), d.rows().size());
    List<Object> ids = new ArrayList<>();
    cols.path("id").forEach(n -> ids.add(n.asInt()));
    List<Object> names = new ArrayList<>();
    cols.path("name").forEach(n -> names.add(n.isNull() ? null : n.asText()));
    assertEquals(ids, d.column("id"));
    assertEquals(names, d.column("name"));
  }

  private static void assertFrame(WireVectors.FrameVector want, FakeEndpoint.Received got) {
    if (want.keyOrderFree()) {
      assertEquals(want.typeByte(), got.type(), want.toString());
      assertEquals(want.json(), got.json(), want.toString());
    } else {
      assertEquals(WireVectors.hex(want.bytes()), WireVectors.hex(got.bytes()), want.toString());
    }
  }

  /** A HELLO vector with another role (the vectors hold one HELLO per shape, not per role). */
  private static JsonNode helloAs(WireVectors.FrameVector hello, String role) {
    ObjectNode o = hello.json().deepCopy();
    o.put("role", role);
    return o;
  }

  @Test
  void taskWriterSaysHelloSendsDataThenEnd() throws Exception {
    byte[] endOk = WireVectors.frame("OK", "{\"rows\":3,\"batches\":1,\"duplicate\":false}").bytes();
    try (FakeEndpoint node = new FakeEndpoint(r -> switch (r.type()) {
      case FrameType.HELLO -> HELLO_OK_SINK;
      case FrameType.END -> endOk;
      default -> null;
    })) {
      DrlsDataWriter writer = new DrlsDataWriter(SCHEMA, "UTC", node.options(true), 3, 0, 7, 0);
      DrlsCommitMessage msg;
      try {
        for (InternalRow row : rows()) writer.write(row);
        msg = (DrlsCommitMessage) writer.commit();
      } finally {
        writer.close();
      }
      assertFrame(WireVectors.frame("HELLO", "role", "write"), node.next());
      FakeEndpoint.Received data = node.next();
      assertEquals(FrameType.DATA, data.type());
      Ipc.Decoded decoded = Ipc.decode(data.payload());
      assertEquals(1, decoded.batches().size());
      assertDataVectorColumns(decoded);
      assertFrame(WireVectors.frame("END", "{\"batches\":1,\"rows\":3}"), node.next());
      assertEquals(new DrlsCommitMessage(0, 7, 3, 1, null), msg);
    }
  }

  @Test
  void aPartitionWithoutRowsNeverConnects() throws Exception {
    try (FakeEndpoint node = new FakeEndpoint(r -> HELLO_OK_SINK)) {
      DrlsDataWriter writer = new DrlsDataWriter(SCHEMA, "UTC", node.options(true), 3, 1, 8, 0);
      WriterCommitMessage msg = writer.commit();
      writer.close();
      assertEquals(new DrlsCommitMessage(1, 8, 0, 0, null), msg);
      assertTrue(node.drain().isEmpty());
    }
  }

  @Test
  void driverCommitsTheEpochInPartitionOrder() throws Exception {
    byte[] commitOk = WireVectors.frame("OK", "{\"batchId\":5,\"duplicate\":false}").bytes();
    try (FakeEndpoint node = new FakeEndpoint(r -> r.type() == FrameType.HELLO ? HELLO_OK_SINK : commitOk)) {
      DrlsStreamingWrite write = new DrlsStreamingWrite(SCHEMA, "UTC", node.options(true));
      write.commit(3, new WriterCommitMessage[] {
          new DrlsCommitMessage(1, 8, 0, 0, null), null, new DrlsCommitMessage(0, 7, 3, 1, null)});
      assertFrame(WireVectors.frame("HELLO", "role", "commit"), node.next());
      assertFrame(WireVectors.frame("COMMIT", "epoch", "3"), node.next());
    }
  }

  @Test
  void driverAbortsTheEpoch() throws Exception {
    byte[] ok = WireVectors.frame("OK", "{}").bytes();
    try (FakeEndpoint node = new FakeEndpoint(r -> r.type() == FrameType.HELLO ? HELLO_OK_SINK : ok)) {
      new DrlsStreamingWrite(SCHEMA, "UTC", node.options(true)).abort(3, new WriterCommitMessage[0]);
      assertFrame(WireVectors.frame("HELLO", "role", "commit"), node.next());
      assertFrame(WireVectors.frame("ABORT", "epoch", "3"), node.next());
    }
  }

  /** useJvmSink=false: the task keeps its IPC streams, the driver sends them before COMMIT. */
  @Test
  void driverWriteCarriesEveryPartitionsData() throws Exception {
    byte[] commitOk = WireVectors.frame("OK", "{\"batchId\":5,\"duplicate\":false}").bytes();
    try (FakeEndpoint node = new FakeEndpoint(r -> switch (r.type()) {
      case FrameType.HELLO -> HELLO_OK_SINK;
      case FrameType.COMMIT -> commitOk;
      default -> null;
    })) {
      DrlsOptions options = node.options(false);
      DrlsDataWriter writer = new DrlsDataWriter(SCHEMA, "UTC", options, 3, 0, 7, 0);
      DrlsCommitMessage part0;
      try {
        for (InternalRow row : rows()) writer.write(row);
        part0 = (DrlsCommitMessage) writer.commit();
      } finally {
        writer.close();
      }
      assertTrue(node.drain().isEmpty(), "a task writer does not connect in driver mode");
      assertEquals(1, part0.data().size());

      new DrlsStreamingWrite(SCHEMA, "UTC", options).commit(3, new WriterCommitMessage[] {
          new DrlsCommitMessage(1, 8, 0, 0, List.of()), part0});
      FakeEndpoint.Received hello = node.next();
      assertEquals(helloAs(WireVectors.frame("HELLO", "role", "commit"), "driver-write"), hello.json());
      assertFrame(WireVectors.frame("REQUEST", "op", "partition"), node.next());
      FakeEndpoint.Received data = node.next();
      assertEquals(FrameType.DATA, data.type());
      assertDataVectorColumns(Ipc.decode(data.payload()));
      FakeEndpoint.Received empty = node.next();
      assertEquals(WireVectors.JSON.readTree("{\"op\":\"partition\",\"partition\":1,\"attempt\":8,\"batches\":0}"), empty.json());
      assertFrame(WireVectors.frame("COMMIT", "epoch", "3"), node.next());
    }
  }

  @Test
  void sourceClientAsksLatestAndCommits() throws Exception {
    byte[] latestOk = WireVectors.frame("OK", "{\"batchId\":5,\"complete\":false}").bytes();
    byte[] ok = WireVectors.frame("OK", "{}").bytes();
    byte[] helloOk = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();
    try (FakeEndpoint node = new FakeEndpoint(r -> {
      if (r.type() == FrameType.HELLO) return helloOk;
      return r.json().path("op").asText().equals("latest") ? latestOk : ok;
    })) {
      try (SourceClient client = new SourceClient(node.options(false))) {
        assertEquals(5, client.latest().batchId());
        client.commit(5);
      }
      assertFrame(WireVectors.frame("HELLO", "role", "source"), node.next());
      assertFrame(WireVectors.frame("REQUEST", "op", "latest"), node.next());
      assertFrame(WireVectors.frame("REQUEST", "op", "commit"), node.next());
    }
  }

  /** inferSchema: a probe, then the schema as a DATA frame (here the data vector, written by Arrow JS). */
  @Test
  void probeReadsTheSourceSchema() throws Exception {
    byte[] helloOkSource = FakeEndpoint.frames(frameOf(FrameType.OK, "{\"source\":true,\"sink\":false}"));
    byte[] schema = FakeEndpoint.dataFrame(dataVector());
    try (FakeEndpoint node = new FakeEndpoint(r -> r.type() == FrameType.HELLO ? helloOkSource : schema)) {
      StructType got = SourceClient.probeSchema(node.options(false));
      assertEquals(WireVectors.root().path("data").path("sparkSchema").asText(), got.simpleString());
      assertEquals(helloAs(WireVectors.frame("HELLO", "role", "source"), "probe"), node.next().json());
      assertFrame(WireVectors.frame("HELLO", "role", "source"), node.next());
      assertFrame(WireVectors.frame("REQUEST", "op", "schema"), node.next());
    }
  }

  /** An executor's fetch of batch 5: DATA (the Arrow JS data vector) then OK, read as Spark columns. */
  @Test
  void readerFetchesABatchAsSparkColumns() throws Exception {
    byte[] helloOk = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();
    byte[] fetched = FakeEndpoint.frames(FakeEndpoint.dataFrame(dataVector()),
        WireVectors.frame("OK", "{\"batchId\":5,\"batches\":1}").bytes());
    try (FakeEndpoint node = new FakeEndpoint(r -> r.type() == FrameType.HELLO ? helloOk : fetched)) {
      List<Integer> ids = new ArrayList<>();
      List<String> names = new ArrayList<>();
      try (DrlsColumnarReader reader = new DrlsColumnarReader(SCHEMA, node.options(false), 5, 5)) {
        assertTrue(reader.next());
        ColumnarBatch batch = reader.get();
        for (int i = 0; i < batch.numRows(); i++) {
          ids.add(batch.column(0).getInt(i));
          names.add(batch.column(1).isNullAt(i) ? null : batch.column(1).getUTF8String(i).toString());
        }
        assertFalse(reader.next());
        assertNull(reader.get());
      }
      assertEquals(List.of(1, 2, 3), ids);
      assertEquals(Arrays.asList("a", null, "ccc"), names);
      assertFrame(WireVectors.frame("HELLO", "role", "source"), node.next());
      assertFrame(WireVectors.frame("REQUEST", "op", "fetch"), node.next());
    }
  }

  /** A range of batches (5 and 6) is fetched in order over one connection. */
  @Test
  void readerFetchesARangeInOrderOverOneConnection() throws Exception {
    byte[] helloOk = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();
    byte[] fetched = FakeEndpoint.frames(FakeEndpoint.dataFrame(dataVector()),
        WireVectors.frame("OK", "{\"batchId\":5,\"batches\":1}").bytes());
    try (FakeEndpoint node = new FakeEndpoint(r -> r.type() == FrameType.HELLO ? helloOk : fetched)) {
      int rows = 0;
      try (DrlsColumnarReader reader = new DrlsColumnarReader(SCHEMA, node.options(false), 5, 6)) {
        while (reader.next()) rows += reader.get().numRows();
      }
      assertEquals(6, rows, "both batches' rows");
      assertFrame(WireVectors.frame("HELLO", "role", "source"), node.next());
      assertEquals(5, node.next().json().path("batchId").asLong());
      assertEquals(6, node.next().json().path("batchId").asLong());
    }
  }

  /** Batch 6 is asked for before batch 5 is answered: Node sends it while Spark reads batch 5. */
  @Test
  void readerKeepsOneFetchAhead() throws Exception {
    byte[] helloOk = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();
    byte[] both = FakeEndpoint.frames(FakeEndpoint.dataFrame(dataVector()),
        frameOf(FrameType.OK, "{\"batchId\":5,\"batches\":1}"), FakeEndpoint.dataFrame(dataVector()),
        frameOf(FrameType.OK, "{\"batchId\":6,\"batches\":1}"));
    // Nothing for batch 5 until batch 6 is asked for too: only a reader that fetches ahead is answered.
    try (FakeEndpoint node = new FakeEndpoint(r -> r.type() == FrameType.HELLO ? helloOk
        : r.json().path("batchId").asLong() == 6 ? both : null)) {
      AtomicInteger rows = new AtomicInteger();
      Thread reading = new Thread(() -> {
        try (DrlsColumnarReader reader = new DrlsColumnarReader(SCHEMA, node.options(false), 5, 6)) {
          while (reader.next()) rows.addAndGet(reader.get().numRows());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, "reader");
      reading.setDaemon(true);
      reading.start();
      assertFrame(WireVectors.frame("HELLO", "role", "source"), node.next());
      assertEquals(5, node.next().json().path("batchId").asLong());
      assertEquals(6, node.next().json().path("batchId").asLong(), "batch 6 asked for with batch 5 unanswered");
      reading.join(10_000);
      assertEquals(6, rows.get(), "both batches' rows");
    }
  }

  @Test
  void aFrameCutShortByTheEndpointNamesTheConnection() throws Exception {
    byte[] helloOk = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();
    // The header promises the whole payload; Node goes away after 10 bytes of it.
    byte[] cut = Arrays.copyOf(FakeEndpoint.dataFrame(dataVector()), 5 + 10);
    try (FakeEndpoint node = new FakeEndpoint(r -> {
      if (r.type() == FrameType.HELLO) return helloOk;
      throw new FakeEndpoint.HangUp(cut);
    });
        DrlsColumnarReader reader = new DrlsColumnarReader(SCHEMA, node.options(false), 5, 5)) {
      IOException e = assertThrows(IOException.class, reader::next);
      assertTrue(e.getMessage().startsWith("drls source connection to 127.0.0.1:"), e.getMessage());
      assertTrue(e.getMessage().endsWith("was closed by the endpoint in the middle of a DATA frame"), e.getMessage());
    }
  }

  private static byte[] dataVector() {
    JsonNode data = WireVectors.root().path("data");
    byte[] ipc = WireVectors.hex(data.path("payloadHex").asText());
    assertEquals(data.path("continuationMarker").asText(), WireVectors.hex(Arrays.copyOf(ipc, 4)));
    return ipc;
  }

  private static byte[] frameOf(byte type, String json) {
    byte[] p = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(5 + p.length).put(type).putInt(p.length).put(p).array();
  }
}
