package io.drls.spark;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/** Reads Arrow IPC streams back with Arrow Java's own reader, into plain Java values. */
final class Ipc {
  private Ipc() {}

  /** An IPC stream's schema, and every record batch's rows, each row a list of column values. */
  record Decoded(Schema schema, List<List<List<Object>>> batches) {
    /** All rows of all batches. */
    List<List<Object>> rows() {
      List<List<Object>> out = new ArrayList<>();
      for (List<List<Object>> b : batches) out.addAll(b);
      return out;
    }

    /** Column {@code name}'s values over all batches. */
    List<Object> column(String name) {
      int i = schema.getFields().indexOf(schema.findField(name));
      List<Object> out = new ArrayList<>();
      for (List<Object> row : rows()) out.add(row.get(i));
      return out;
    }
  }

  static Decoded decode(byte[] ipc) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(ipc), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      List<List<List<Object>>> batches = new ArrayList<>();
      while (reader.loadNextBatch()) {
        List<List<Object>> rows = new ArrayList<>();
        for (int r = 0; r < root.getRowCount(); r++) {
          List<Object> row = new ArrayList<>();
          for (FieldVector v : root.getFieldVectors()) row.add(plain(v.getObject(r)));
          rows.add(row);
        }
        batches.add(rows);
      }
      return new Decoded(root.getSchema(), batches);
    }
  }

  /** Arrow's value objects as plain ones: Text as String, bytes as "0x..." hex, nested maps and lists copied. */
  static Object plain(Object v) {
    if (v instanceof Text t) return t.toString();
    if (v instanceof byte[] b) return "0x" + HexFormat.of().formatHex(b);
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) out.put(e.getKey(), plain(e.getValue()));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) out.add(plain(x));
      return out;
    }
    return v;
  }
}
