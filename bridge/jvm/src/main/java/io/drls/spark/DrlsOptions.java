package io.drls.spark;

import java.io.Serializable;

import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The DataSource options, validated once where Spark hands them over. Every message names the
 * option so a wrong call is fixed at a glance.
 */
record DrlsOptions(
    String host,
    int port,
    String streamId,
    String secret,
    boolean useJvmSink,
    int maxRowsPerBatch,
    int maxBytesPerBatch,
    int maxBatchesPerTrigger,
    int connectTimeoutMs,
    boolean tls,
    String tlsCa,
    boolean restartOnIncarnationChange)
    implements Serializable {

  static final int DEFAULT_MAX_ROWS = 65_536;
  static final int DEFAULT_MAX_BYTES = 16 << 20;
  /** Well under a frame's limit: a batch may pass maxBytesPerBatch by its last row. */
  static final int MAX_BYTES_PER_BATCH = FrameType.MAX_PAYLOAD / 2;

  /** Without TLS (tests and tools that build options by hand). */
  DrlsOptions(String host, int port, String streamId, String secret, boolean useJvmSink, int maxRowsPerBatch,
      int maxBytesPerBatch, int maxBatchesPerTrigger, int connectTimeoutMs) {
    this(host, port, streamId, secret, useJvmSink, maxRowsPerBatch, maxBytesPerBatch, maxBatchesPerTrigger,
        connectTimeoutMs, false, null, false);
  }

  /**
   * The record's own toString would print the secret into any log or error that shows the options;
   * the CA is left out too (long, and nobody's business in a log line).
   */
  @Override
  public String toString() {
    return "DrlsOptions[host=" + host + ", port=" + port + ", streamId=" + streamId + ", secret=***, useJvmSink=" + useJvmSink
        + ", maxRowsPerBatch=" + maxRowsPerBatch + ", maxBytesPerBatch=" + maxBytesPerBatch
        + ", maxBatchesPerTrigger=" + maxBatchesPerTrigger + ", connectTimeoutMs=" + connectTimeoutMs
        + ", tls=" + tls + ", restartOnIncarnationChange=" + restartOnIncarnationChange + "]";
  }

  static DrlsOptions parse(CaseInsensitiveStringMap o) {
    String host = o.getOrDefault("host", "127.0.0.1");
    if (host.isBlank()) throw invalid("option \"host\" must not be empty");
    int port = intOption(o, "port", -1, 1, 65535);
    if (port < 0) throw invalid("option \"port\" is required (the drls Node endpoint's port)");
    String streamId = o.get("streamId");
    if (streamId == null || streamId.isEmpty()) throw invalid("option \"streamId\" is required");
    String secret = o.get("secret");
    if (secret == null || secret.isEmpty()) throw invalid("option \"secret\" is required");
    boolean jvmSink = booleanOption(o, "useJvmSink");
    // Sink only: a record batch ends at whichever comes first.
    int maxRows = intOption(o, "maxRowsPerBatch", DEFAULT_MAX_ROWS, 1, Integer.MAX_VALUE);
    int maxBytes = intOption(o, "maxBytesPerBatch", DEFAULT_MAX_BYTES, 1, MAX_BYTES_PER_BATCH);
    // Source only: how many coordinator batches one micro-batch may take (0 = all available).
    int maxBatches = intOption(o, "maxBatchesPerTrigger", 0, 0, Integer.MAX_VALUE);
    int connectTimeout = intOption(o, "connectTimeoutMs", 10_000, 1, Integer.MAX_VALUE);
    // TLS: the endpoint is verified against this CA alone, so there is no TLS without one, and a CA
    // given without tls=true would leave the connection in plain text unnoticed.
    boolean tls = booleanOption(o, "tls");
    String tlsCa = o.get("tlsCa");
    if (tls && (tlsCa == null || tlsCa.isBlank())) {
      throw invalid("option \"tls\" is true but option \"tlsCa\" is missing: give the PEM of the CA that issued"
          + " the endpoint's certificate");
    }
    if (!tls && tlsCa != null) throw invalid("option \"tlsCa\" is given but option \"tls\" is not true");
    if (tls) TlsConnector.checkCa(tlsCa);
    // Source only: a checkpoint written for another incarnation of the stream fails the query,
    // unless told to read the new incarnation from its first batch.
    String change = o.getOrDefault("incarnationChange", "fail").trim().toLowerCase();
    if (!change.equals("fail") && !change.equals("restart")) {
      throw invalid("option \"incarnationChange\" must be fail or restart, got \"" + change + "\"");
    }
    return new DrlsOptions(host, port, streamId, secret, jvmSink, maxRows, maxBytes, maxBatches, connectTimeout, tls,
        tls ? tlsCa : null, change.equals("restart"));
  }

  private static boolean booleanOption(CaseInsensitiveStringMap o, String name) {
    String raw = o.getOrDefault(name, "false").trim().toLowerCase();
    if (!raw.equals("true") && !raw.equals("false")) {
      throw invalid("option \"" + name + "\" must be true or false, got \"" + raw + "\"");
    }
    return raw.equals("true");
  }

  private static int intOption(CaseInsensitiveStringMap o, String name, int dflt, int min, int max) {
    String raw = o.get(name);
    if (raw == null) return dflt;
    try {
      long v = Long.parseLong(raw.trim());
      if (v < min || v > max) {
        throw invalid("option \"" + name + "\" must be between " + min + " and " + max + ", got " + raw);
      }
      return (int) v;
    } catch (NumberFormatException e) {
      throw invalid("option \"" + name + "\" must be an integer, got \"" + raw + "\"");
    }
  }

  static IllegalArgumentException invalid(String message) {
    return new IllegalArgumentException("drls: " + message);
  }
}
