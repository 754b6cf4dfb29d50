package io.drls.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * When Spark stops the source, the newest batch the query's checkpoint says its sink committed is
 * acknowledged to Node (Spark would only commit it when planning another micro-batch); never a
 * batch of another stream incarnation, never an exception out of stop(), never a stop held by Node.
 */
@Timeout(30)
class SourceStopTest {
  private static final String NOW = "4b1e0f2a-9c3d-4e5f-8a6b-7c8d9e0f1a2b";
  private static final byte[] HELLO_OK = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();
  private static final byte[] LATEST = WireVectors.frame("OK", "{\"batchId\":4,\"complete\":false,\"incarnation\":\"" + NOW + "\"}").bytes();
  private static final byte[] OK = WireVectors.frame("OK", "{}").bytes();

  @TempDir
  Path dir;

  /** A checkpoint whose newest committed micro-batch ended this source (position 0) at {@code offset}. */
  private String checkpoint(BatchIdOffset offset) throws Exception {
    Path root = dir.resolve("checkpoint");
    Files.createDirectories(root.resolve("commits"));
    Files.createDirectories(root.resolve("offsets"));
    Files.writeString(root.resolve("offsets/0"), "v1\n{\"batchWatermarkMs\":0}\n" + offset.json());
    Files.writeString(root.resolve("commits/0"), "v1\n{\"nextBatchWatermarkMs\":0}");
    return root.resolve("sources/0").toString();
  }

  private static FakeEndpoint node(boolean answersLatest) throws Exception {
    return new FakeEndpoint(r -> {
      if (r.type() == FrameType.HELLO) return HELLO_OK;
      if (r.json().path("op").asText().equals("latest")) return answersLatest ? LATEST : null;
      return OK;
    });
  }

  /** The REQUESTs sent, as JSON (key order aside). */
  private static List<JsonNode> requests(List<FakeEndpoint.Received> frames) {
    return frames.stream().filter(f -> f.type() == FrameType.REQUEST).map(FakeEndpoint.Received::json).toList();
  }

  private static List<JsonNode> json(String... requests) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String r : requests) out.add(WireVectors.JSON.readTree(r));
    return out;
  }

  @Test
  void stopAcknowledgesTheNewestCommittedBatch() throws Exception {
    try (FakeEndpoint node = node(true)) {
      new DrlsMicroBatchStream(new StructType(), node.options(false), checkpoint(new BatchIdOffset(3, NOW))).stop();
      assertEquals(json("{\"op\":\"latest\"}", "{\"op\":\"commit\",\"batchId\":3}"), requests(node.drain()));
    }
  }

  @Test
  void anOffsetOfAnotherIncarnationIsNotAcknowledged() throws Exception {
    try (FakeEndpoint node = node(true)) {
      new DrlsMicroBatchStream(new StructType(), node.options(false), checkpoint(new BatchIdOffset(3, "old-incarnation"))).stop();
      // Nor a batch beyond the stream's latest: those ids cannot be this stream's.
      new DrlsMicroBatchStream(new StructType(), node.options(false), checkpoint(new BatchIdOffset(9, NOW))).stop();
      assertEquals(json("{\"op\":\"latest\"}", "{\"op\":\"latest\"}"), requests(node.drain()));
    }
  }

  @Test
  void aMissingCheckpointOrNoneIsNoAcknowledgementAndNoError() throws Exception {
    try (FakeEndpoint node = node(true)) {
      new DrlsMicroBatchStream(new StructType(), node.options(false), dir.resolve("deleted/sources/0").toString()).stop();
      new DrlsMicroBatchStream(new StructType(), node.options(false)).stop();
      assertEquals(List.of(), requests(node.drain()));
    }
  }

  @Test
  void aNodeThatDoesNotAnswerDoesNotHoldTheStop() throws Exception {
    try (FakeEndpoint node = node(false)) {
      DrlsOptions base = node.options(false);
      DrlsOptions quick = new DrlsOptions(base.host(), base.port(), base.streamId(), base.secret(), false,
          DrlsOptions.DEFAULT_MAX_ROWS, DrlsOptions.DEFAULT_MAX_BYTES, 0, 300);
      DrlsMicroBatchStream stream = new DrlsMicroBatchStream(new StructType(), quick, checkpoint(new BatchIdOffset(3, NOW)));
      long start = System.nanoTime();
      stream.stop();
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 5_000, "stop() took " + ms + " ms");
      // Nor does the acknowledgement linger: its connection, blocked on Node's answer, is closed.
      node.awaitClosedByConnector(0);
    }
  }
}
