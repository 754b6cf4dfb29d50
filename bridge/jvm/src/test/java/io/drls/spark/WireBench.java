package io.drls.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The connector's raw wire throughput, for the benchmark: one write connection sends the same
 * Arrow IPC stream (one batch of {@code mib} MiB) {@code count} times to a Node endpoint,
 * exactly as a task's DataWriter does, and prints MB/s once Node has accepted all of it.
 * Usage: WireBench host port streamId secret mib count
 */
public final class WireBench {
  private WireBench() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> raw = new LinkedHashMap<>();
    raw.put("host", args[0]);
    raw.put("port", args[1]);
    raw.put("streamId", args[2]);
    raw.put("secret", args[3]);
    DrlsOptions options = DrlsOptions.parse(new CaseInsensitiveStringMap(raw));
    int mib = Integer.parseInt(args[4]);
    int count = Integer.parseInt(args[5]);
    byte[] ipc = oneBatch(mib * 1024 * 1024);
    long start = System.nanoTime();
    try (WireConnection c = WireConnection.open(options, "write",
        Map.of("epoch", 0, "partition", 0, "attempt", 0, "taskId", 0))) {
      for (int i = 0; i < count; i++) c.send(FrameType.DATA, ipc);
      Map<String, Object> end = new LinkedHashMap<>();
      end.put("batches", count);
      end.put("rows", (long) count * mib * 1024 * 1024);
      c.sendJson(FrameType.END, end);
      c.flush();
      c.expectOk();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.println("{\"bytes\":" + ((long) ipc.length * count) + ",\"seconds\":" + seconds + "}");
  }

  /** An Arrow IPC stream holding one batch of a single tinyint column of {@code rows} rows. */
  private static byte[] oneBatch(int rows) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        TinyIntVector v = new TinyIntVector("b", allocator)) {
      v.allocateNew(rows);
      for (int i = 0; i < rows; i++) v.set(i, (byte) i);
      v.setValueCount(rows);
      try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(v.getField()), List.of(v), rows)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rows + 4096);
        try (ArrowStreamWriter w = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
          w.start();
          w.writeBatch();
          w.end();
        }
        return out.toByteArray();
      }
    }
  }
}
