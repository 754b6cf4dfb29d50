package io.drls.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.streaming.SinkProgress;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress$;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The reverse path's offsets ({"batchId": n}), the source's description drls[<streamId>] and
 * how both show in Spark's query progress, against docs/wire-vectors.json.
 */
class OffsetVectorsTest {
  private static final StructType SCHEMA = StructType.fromDDL("id INT, name STRING");

  private static JsonNode offsets() {
    return WireVectors.root().path("offsets");
  }

  private static DrlsMicroBatchStream stream(String streamId) {
    // No connection is opened until the stream asks Node something.
    return new DrlsMicroBatchStream(SCHEMA,
        new DrlsOptions("127.0.0.1", 9, streamId, "unused", false, 1, 1, 0, 1_000));
  }

  @Test
  void validOffsetsParseToTheirBatchId() {
    assertTrue(offsets().path("valid").size() > 0);
    for (JsonNode v : offsets().path("valid")) {
      String json = v.path("json").asText();
      assertEquals(v.path("batchId").asLong(), BatchIdOffset.parse(json).batchId(), v.path("description").asText());
      assertEquals(v.path("batchId").asLong(), ((BatchIdOffset) stream("s").deserializeOffset(json)).batchId(), json);
    }
  }

  @Test
  void canonicalOffsetsAreWhatJsonWrites() {
    for (JsonNode v : offsets().path("valid")) {
      if (!v.path("canonical").asBoolean()) continue;
      assertEquals(v.path("json").asText(), new BatchIdOffset(v.path("batchId").asLong(), v.hasNonNull("incarnation") ? v.path("incarnation").asText() : null).json(),
          v.path("description").asText());
    }
  }

  @Test
  void invalidOffsetsAreRefused() {
    assertTrue(offsets().path("invalid").size() > 0);
    for (JsonNode v : offsets().path("invalid")) {
      String json = v.path("json").asText();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchIdOffset.parse(json),
          v.path("description").asText());
      assertTrue(e.getMessage().contains(json), e.getMessage());
    }
  }

  @Test
  void theInitialOffsetIsBeforeTheFirstBatch() {
    DrlsMicroBatchStream s = stream("s");
    assertEquals(offsets().path("initial").asText(), s.initialOffset().json());
    assertEquals(-1, ((BatchIdOffset) s.initialOffset()).batchId());
  }

  @Test
  void aMicroBatchReadsEveryBatchIdOnceInOrder() {
    for (JsonNode v : offsets().path("microBatches")) {
      DrlsMicroBatchStream s = stream("s");
      InputPartition[] parts = s.planInputPartitions(s.deserializeOffset(v.path("start").asText()),
          s.deserializeOffset(v.path("end").asText()));
      List<Long> ids = new ArrayList<>();
      for (InputPartition p : parts) {
        DrlsInputPartition range = (DrlsInputPartition) p;
        for (long id = range.first(); id <= range.last(); id++) ids.add(id);
      }
      List<Long> want = new ArrayList<>();
      v.path("batchIds").forEach(n -> want.add(n.asLong()));
      assertEquals(want, ids, v.path("description").asText());
    }
  }

  @Test
  void batchesAreCutIntoAtMostOneRangePerTaskSlot() {
    assertEquals(List.of(new DrlsInputPartition(3, 6), new DrlsInputPartition(7, 9), new DrlsInputPartition(10, 12)),
        List.of(DrlsMicroBatchStream.split(3, 10, 3)));
    assertEquals(List.of(new DrlsInputPartition(5, 5), new DrlsInputPartition(6, 6)), List.of(DrlsMicroBatchStream.split(5, 2, 8)));
    assertEquals(0, DrlsMicroBatchStream.split(0, 0, 4).length);
  }

  @Test
  void theSourceDescriptionIsDrlsBracketStreamId() {
    JsonNode d = WireVectors.root().path("sourceDescription");
    assertEquals("drls[<streamId>]", d.path("format").asText());
    assertTrue(d.path("examples").size() > 0);
    for (JsonNode e : d.path("examples")) {
      assertEquals(e.path("description").asText(), stream(e.path("streamId").asText()).toString());
    }
  }

  /**
   * Spark's own renderings of a progress entry for this source, built from the stream's
   * toString and its offsets' json(): Spark Connect's (offsets kept as strings), which Node reads,
   * and SourceProgress.json()'s (offsets parsed into objects).
   */
  @Test
  void sparkRendersTheSourceProgressAsTheVectorsSay() throws Exception {
    JsonNode examples = WireVectors.root().path("progress").path("examples");
    assertTrue(examples.size() > 0);
    for (JsonNode e : examples) {
      JsonNode connect = e.path("connectJson");
      DrlsMicroBatchStream s = stream(e.path("streamId").asText());
      long through = e.path("readThrough").asLong();
      SourceProgress source = new SourceProgress(s.toString(),
          BatchIdOffset.parse(connect.path("startOffset").asText()).json(),
          new BatchIdOffset(through).json(),
          BatchIdOffset.parse(connect.path("latestOffset").asText()).json(),
          connect.path("numInputRows").asLong(), connect.path("inputRowsPerSecond").asDouble(),
          connect.path("processedRowsPerSecond").asDouble(), new HashMap<>());

      assertEquals(e.path("sparkJson"), WireVectors.JSON.readTree(source.json()));
      assertEquals(through, e.path("sparkJson").path("endOffset").path("batchId").asLong());

      StreamingQueryProgress progress = new StreamingQueryProgress(new UUID(0, 1), new UUID(0, 2), "q",
          "2024-01-01T00:00:00.000Z", 0L, 5L, new HashMap<>(), new HashMap<>(), new StateOperatorProgress[0],
          new SourceProgress[] {source}, new SinkProgress("sink", 5L, new HashMap<>()), new HashMap<>());
      // What Spark Connect's server sends for lastProgress (SparkConnectStreamingQueryCommandHandler).
      JsonNode sent = WireVectors.JSON.readTree(StreamingQueryProgress$.MODULE$.jsonString(progress));
      assertEquals(connect, sent.path("sources").get(0));
      assertEquals(through, BatchIdOffset.parse(connect.path("endOffset").asText()).batchId());
    }
  }
}
