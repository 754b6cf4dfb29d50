package io.drls.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;

/** A checkpoint written for one incarnation of a stream, read against another: never a silent skip. */
class IncarnationTest {
  private static final String NOW = "4b1e0f2a-9c3d-4e5f-8a6b-7c8d9e0f1a2b";

  /** A source stream on a fake endpoint whose stream is incarnation NOW, holding batches 0..4. */
  private static DrlsMicroBatchStream streamOn(FakeEndpoint node, String change) {
    DrlsOptions base = node.options(false);
    CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(Map.of(
        "host", base.host(), "port", String.valueOf(base.port()), "streamId", base.streamId(), "secret", base.secret(),
        "incarnationChange", change));
    return new DrlsMicroBatchStream(new StructType(), DrlsOptions.parse(options));
  }

  private static FakeEndpoint endpoint() throws Exception {
    byte[] latest = WireVectors.frame("OK", "{\"batchId\":4,\"complete\":false,\"incarnation\":\"" + NOW + "\"}").bytes();
    byte[] ok = WireVectors.frame("OK", "{}").bytes();
    return new FakeEndpoint(r -> r.json().path("op").asText().equals("latest") ? latest : ok);
  }

  @Test
  void aCheckpointOfAnotherIncarnationFailsTheQueryNamingBoth() throws Exception {
    try (FakeEndpoint node = endpoint()) {
      DrlsMicroBatchStream stream = streamOn(node, "fail");
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> stream.latestOffset(new BatchIdOffset(99, "old-incarnation"), ReadLimit.allAvailable()));
      assertTrue(e.getMessage().contains("old-incarnation") && e.getMessage().contains(NOW), e.getMessage());
      assertTrue(e.getMessage().contains("batch 99"), e.getMessage());
      stream.stop();
    }
  }

  @Test
  void restartReadsTheNewIncarnationFromItsFirstBatch() throws Exception {
    try (FakeEndpoint node = endpoint()) {
      DrlsMicroBatchStream stream = streamOn(node, "restart");
      BatchIdOffset start = new BatchIdOffset(99, "old-incarnation");
      BatchIdOffset end = (BatchIdOffset) stream.latestOffset(start, ReadLimit.allAvailable());
      assertEquals(4, end.batchId());
      assertEquals(NOW, end.incarnation());
      InputPartition[] parts = stream.planInputPartitions(start, end);
      assertEquals(new DrlsInputPartition(0, 4), parts[0], "batches 0 to 4 of the new incarnation");
      stream.stop();
    }
  }

  @Test
  void theSameIncarnationAndAnUnknownOneReadOn() throws Exception {
    try (FakeEndpoint node = endpoint()) {
      DrlsMicroBatchStream stream = streamOn(node, "fail");
      assertEquals(4, ((BatchIdOffset) stream.latestOffset(new BatchIdOffset(2, NOW), ReadLimit.allAvailable())).batchId());
      // A checkpoint written before incarnations, and the initial offset, carry none.
      assertEquals(4, ((BatchIdOffset) stream.latestOffset(new BatchIdOffset(2), ReadLimit.allAvailable())).batchId());
      assertEquals(NOW, ((BatchIdOffset) stream.latestOffset(stream.initialOffset(), ReadLimit.allAvailable())).incarnation());
      stream.stop();
    }
  }

  @Test
  void theOptionIsChecked() {
    CaseInsensitiveStringMap bad = new CaseInsensitiveStringMap(Map.of("port", "1", "streamId", "s", "secret", "x", "incarnationChange", "maybe"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DrlsOptions.parse(bad));
    assertTrue(e.getMessage().contains("incarnationChange"), e.getMessage());
  }
}
