package io.drls.spark;

import org.apache.spark.sql.connector.read.streaming.Offset;

/** A source offset: the coordinator's batch id, serialized as {@code {"batchId": n}}. */
final class BatchIdOffset extends Offset {
  private final long batchId;

  BatchIdOffset(long batchId) {
    this.batchId = batchId;
  }

  long batchId() {
    return batchId;
  }

  @Override
  public String json() {
    return "{\"batchId\":" + batchId + "}";
  }

  static BatchIdOffset parse(String json) {
    int colon = json.indexOf(':');
    int close = json.lastIndexOf('}');
    if (!json.contains("\"batchId\"") || colon < 0 || close < colon) {
      throw new IllegalArgumentException("drls: offset " + json + " is not {\"batchId\": n}");
    }
    try {
      return new BatchIdOffset(Long.parseLong(json.substring(colon + 1, close).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("drls: offset " + json + " is not {\"batchId\": n}", e);
    }
  }
}
