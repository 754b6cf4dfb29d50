package io.drls.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.connector.read.streaming.Offset;

/**
 * A source offset: the coordinator's batch id, and the incarnation of the stream it counts in,
 * serialized as {@code {"batchId": n, "incarnation": "id"}} (docs/wire-protocol.md). Batch ids
 * start again at 0 when a stream is created anew under the same id; the incarnation tells such a
 * stream from the one a checkpoint was written for. An offset without one (the initial offset,
 * or a checkpoint written before incarnations) matches any.
 */
final class BatchIdOffset extends Offset {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final long batchId;
  private final String incarnation;

  BatchIdOffset(long batchId) {
    this(batchId, null);
  }

  BatchIdOffset(long batchId, String incarnation) {
    if (incarnation != null && !Incarnations.valid(incarnation)) {
      throw new IllegalArgumentException("drls: stream incarnation " + incarnation + " is not [A-Za-z0-9_-]{1,64}");
    }
    this.batchId = batchId;
    this.incarnation = incarnation;
  }

  long batchId() {
    return batchId;
  }

  /** The stream incarnation this batch id counts in; null when unknown. */
  String incarnation() {
    return incarnation;
  }

  /** Both count in the same stream incarnation, as far as anyone knows. */
  boolean sameIncarnation(BatchIdOffset other) {
    return incarnation == null || other.incarnation == null || incarnation.equals(other.incarnation);
  }

  @Override
  public String json() {
    // Incarnations are [A-Za-z0-9_-]: nothing in them needs escaping.
    return incarnation == null ? "{\"batchId\":" + batchId + "}" : "{\"batchId\":" + batchId + ",\"incarnation\":\"" + incarnation + "\"}";
  }

  static BatchIdOffset parse(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (Exception e) {
      throw invalid(json, e);
    }
    JsonNode id = node == null ? null : node.get("batchId");
    JsonNode inc = node == null ? null : node.get("incarnation");
    if (id == null || !id.isIntegralNumber() || !id.canConvertToLong() || (inc != null && !inc.isTextual())) throw invalid(json, null);
    try {
      return new BatchIdOffset(id.asLong(), inc == null ? null : inc.asText());
    } catch (IllegalArgumentException e) {
      throw invalid(json, e);
    }
  }

  private static IllegalArgumentException invalid(String json, Exception cause) {
    return new IllegalArgumentException("drls: offset " + json + " is not {\"batchId\": n[, \"incarnation\": \"id\"]}", cause);
  }
}
