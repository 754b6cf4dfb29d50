package io.drls.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * Rows through ArrowBatchEncoder (FlatRowWriter for flat schemas, Spark's ArrowWriter otherwise)
 * into Arrow IPC streams, read back with Arrow Java's reader; and where batches are cut.
 */
class ArrowBatchEncoderTest {
  private static final StructType FLAT = StructType.fromDDL(String.join(", ",
      "l BIGINT", "i INT", "s SMALLINT", "b TINYINT", "d DOUBLE", "f FLOAT", "bool BOOLEAN", "str STRING",
      "bin BINARY", "dt DATE", "ts TIMESTAMP", "ntz TIMESTAMP_NTZ"));
  private static final StructType NESTED = StructType.fromDDL(String.join(", ",
      "dec DECIMAL(10, 2)", "st STRUCT<a: INT, b: STRING>", "li ARRAY<BIGINT>", "mp MAP<STRING, INT>", "n INT"));
  private static final long MICROS = 1_700_000_000_123_456L;
  /** Longer than the 64 bytes FlatRowWriter copies a word at a time from an UnsafeRow. */
  private static final String LONG_STRING = "x".repeat(100) + "é";

  private static UTF8String utf8(String s) {
    return UTF8String.fromString(s);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<InternalRow> flatRows() {
    return List.of(
        new GenericInternalRow(new Object[] {1L, 2, (short) 3, (byte) 4, 5.5, 6.5f, true, utf8("héllo"),
            bytes("ab"), 19_000, MICROS, MICROS}),
        new GenericInternalRow(new Object[12]), // all null
        new GenericInternalRow(new Object[] {Long.MIN_VALUE, Integer.MAX_VALUE, Short.MIN_VALUE, Byte.MAX_VALUE,
            -0.25, Float.MAX_VALUE, false, utf8(LONG_STRING), new byte[0], -1, -1L, -1L}),
        new GenericInternalRow(new Object[] {0L, 0, (short) 0, (byte) 0, 0.0, 0.0f, null, utf8(""),
            bytes("\u0000\u0001"), 0, null, null}));
  }

  /** What Arrow Java's reader gives back for flatRows(), column by column (see Ipc.plain). */
  private static List<List<Object>> flatExpected() {
    LocalDateTime ntz = LocalDateTime.ofEpochSecond(MICROS / 1_000_000, (int) (MICROS % 1_000_000) * 1000, ZoneOffset.UTC);
    return List.of(
        Arrays.asList(1L, 2, (short) 3, (byte) 4, 5.5, 6.5f, true, "héllo", "0x6162", 19_000, MICROS, ntz),
        Arrays.asList(new Object[12]),
        Arrays.asList(Long.MIN_VALUE, Integer.MAX_VALUE, Short.MIN_VALUE, Byte.MAX_VALUE, -0.25, Float.MAX_VALUE,
            false, LONG_STRING, "0x", -1, -1L, LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000)),
        Arrays.asList(0L, 0, (short) 0, (byte) 0, 0.0, 0.0f, null, "", "0x0001", 0, null, null));
  }

  private static ArrowBatchEncoder encoder(StructType schema, int maxRows, long maxBytes) {
    return new ArrowBatchEncoder(schema, "UTC", maxRows, maxBytes, "test");
  }

  private static boolean usesFlatPath(ArrowBatchEncoder e) throws ReflectiveOperationException {
    var f = ArrowBatchEncoder.class.getDeclaredField("flat");
    f.setAccessible(true);
    return f.get(e) != null;
  }

  /** Encodes {@code rows} as one batch (maxRows never reached) and decodes it. */
  private static Ipc.Decoded roundTrip(StructType schema, List<InternalRow> rows, boolean flat) throws Exception {
    try (ArrowBatchEncoder e = encoder(schema, 1_000, 1L << 20)) {
      assertEquals(flat, usesFlatPath(e));
      for (InternalRow r : rows) assertFalse(e.add(r));
      assertEquals(rows.size(), e.pendingRows());
      Ipc.Decoded d = Ipc.decode(e.finish());
      assertEquals(0, e.pendingRows());
      assertEquals(1, d.batches().size());
      assertEquals(ArrowSchemas.toArrow(schema, "UTC"), d.schema());
      return d;
    }
  }

  @Test
  void flatRowsThroughTheirGetters() throws Exception {
    assertEquals(flatExpected(), roundTrip(FLAT, flatRows(), true).rows());
  }

  /** UnsafeRow, what a query plan hands the sink, is read from its own memory: same result. */
  @Test
  void flatUnsafeRows() throws Exception {
    UnsafeProjection toUnsafe = UnsafeProjection.create(FLAT);
    List<InternalRow> unsafe = new ArrayList<>();
    for (InternalRow r : flatRows()) unsafe.add(toUnsafe.apply(r).copy());
    assertEquals(flatExpected(), roundTrip(FLAT, unsafe, true).rows());
  }

  @Test
  void decimalAndNestedRows() throws Exception {
    List<InternalRow> rows = List.of(
        new GenericInternalRow(new Object[] {Decimal.apply(new BigDecimal("12345678.91"), 10, 2),
            new GenericInternalRow(new Object[] {7, utf8("seven")}),
            new GenericArrayData(new Object[] {1L, null, 3L}),
            new ArrayBasedMapData(new GenericArrayData(new Object[] {utf8("k1"), utf8("k2")}),
                new GenericArrayData(new Object[] {10, null})),
            42}),
        new GenericInternalRow(new Object[5]),
        new GenericInternalRow(new Object[] {Decimal.apply(new BigDecimal("-0.05"), 10, 2),
            new GenericInternalRow(new Object[] {null, null}),
            new GenericArrayData(new Object[0]),
            new ArrayBasedMapData(new GenericArrayData(new Object[0]), new GenericArrayData(new Object[0])),
            null}));
    Ipc.Decoded d = roundTrip(NESTED, rows, false);
    assertEquals(Arrays.asList(new BigDecimal("12345678.91"), null, new BigDecimal("-0.05")), d.column("dec"));
    assertEquals(Arrays.asList(Map.of("a", 7, "b", "seven"), null, Map.of()), d.column("st"));
    assertEquals(Arrays.asList(Arrays.asList(1L, null, 3L), null, List.of()), d.column("li"));
    Map<String, Object> k1 = new LinkedHashMap<>();
    k1.put("key", "k1");
    k1.put("value", 10);
    Map<String, Object> k2 = new LinkedHashMap<>();
    k2.put("key", "k2");
    assertEquals(Arrays.asList(List.of(k1, k2), null, List.of()), d.column("mp"));
    assertEquals(Arrays.asList(42, null, null), d.column("n"));
  }

  /** Batch after batch the vectors are reused: nothing of a batch leaks into the next one. */
  @Test
  void aBatchStartsClean() throws Exception {
    for (boolean unsafe : new boolean[] {false, true}) {
      UnsafeProjection toUnsafe = UnsafeProjection.create(FLAT);
      Function<InternalRow, InternalRow> as = r -> unsafe ? toUnsafe.apply(r).copy() : r;
      List<InternalRow> rows = flatRows();
      try (ArrowBatchEncoder e = encoder(FLAT, 1_000, 1L << 20)) {
        e.add(as.apply(rows.get(2)));
        e.add(as.apply(rows.get(0)));
        assertEquals(List.of(flatExpected().get(2), flatExpected().get(0)), Ipc.decode(e.finish()).rows());
        e.add(as.apply(rows.get(1)));
        e.add(as.apply(rows.get(3)));
        assertEquals(List.of(flatExpected().get(1), flatExpected().get(3)), Ipc.decode(e.finish()).rows(),
            unsafe ? "UnsafeRow" : "GenericInternalRow");
      }
    }
  }

  /** More rows than the first allocation, and strings longer than it guessed: the vectors grow. */
  @Test
  void vectorsGrowPastTheirFirstAllocation() throws Exception {
    StructType schema = StructType.fromDDL("l BIGINT, s STRING");
    int n = 70_000;
    try (ArrowBatchEncoder e = encoder(schema, 100_000, 1L << 30)) {
      for (int i = 0; i < n; i++) {
        assertFalse(e.add(new GenericInternalRow(new Object[] {(long) i, utf8(i % 1000 == 0 ? LONG_STRING : "v" + i)})));
      }
      Ipc.Decoded d = Ipc.decode(e.finish());
      assertEquals(n, d.rows().size());
      assertEquals(List.of(69_999L, "v69999"), d.rows().get(n - 1));
      assertEquals(List.of(5_000L, LONG_STRING), d.rows().get(5_000));
      assertEquals(List.of(12_345L, "v12345"), d.rows().get(12_345));
    }
  }

  @Test
  void maxRowsCutsTheBatch() throws Exception {
    for (StructType schema : List.of(StructType.fromDDL("i INT"), StructType.fromDDL("dec DECIMAL(10, 2)"))) {
      boolean flat = schema.size() == 1 && schema.fields()[0].name().equals("i");
      try (ArrowBatchEncoder e = encoder(schema, 2, 1L << 20)) {
        Object v = flat ? (Object) 1 : Decimal.apply(1);
        assertFalse(e.add(new GenericInternalRow(new Object[] {v})));
        assertTrue(e.add(new GenericInternalRow(new Object[] {v})), "full at maxRowsPerBatch rows");
        assertEquals(2, Ipc.decode(e.finish()).rows().size());
        assertFalse(e.add(new GenericInternalRow(new Object[] {v})));
        assertEquals(1, e.pendingRows());
        Ipc.Decoded last = Ipc.decode(e.finish());
        assertEquals(1, last.rows().size());
        assertNotNull(last.rows().get(0).get(0));
      }
    }
  }

  /**
   * The flat path measures the batch after every row: 30-byte strings with maxBytes 100 are
   * 60 + 12 (offsets) + 1 (validity) = 73 bytes after two rows, 90 + 16 + 1 = 107 after three.
   */
  @Test
  void maxBytesCutsAFlatBatch() throws Exception {
    try (ArrowBatchEncoder e = encoder(StructType.fromDDL("s STRING"), 1_000, 100)) {
      InternalRow row = new GenericInternalRow(new Object[] {utf8("y".repeat(30))});
      assertFalse(e.add(row));
      assertFalse(e.add(row));
      assertTrue(e.add(row), "full once the batch holds maxBytesPerBatch bytes");
      assertEquals(3, Ipc.decode(e.finish()).rows().size());
      // A row larger than the limit on its own makes a batch of one row.
      assertTrue(e.add(new GenericInternalRow(new Object[] {utf8("z".repeat(500))})));
      assertEquals(1, Ipc.decode(e.finish()).rows().size());
    }
  }

  /** The generic path (decimal, nested) measures its vectors every few rows, not after each one. */
  @Test
  void maxBytesCutsAGenericBatch() throws Exception {
    try (ArrowBatchEncoder e = encoder(StructType.fromDDL("dec DECIMAL(10, 2)"), 1_000, 100)) {
      int rows = 0;
      boolean full = false;
      while (!full && rows < 1_000) {
        full = e.add(new GenericInternalRow(new Object[] {Decimal.apply(rows)}));
        rows++;
      }
      // 16 bytes a decimal: at least 7 rows reach 100 bytes; the check runs at least every 16 rows.
      assertTrue(full);
      assertTrue(rows >= 7 && rows <= 16, "cut after " + rows + " rows");
      Ipc.Decoded d = Ipc.decode(e.finish());
      assertEquals(rows, d.rows().size());
      assertEquals(new BigDecimal("3.00"), d.rows().get(3).get(0));
    }
  }

  @Test
  void anEmptyBatchIsAValidStream() throws Exception {
    try (ArrowBatchEncoder e = encoder(FLAT, 10, 1L << 20)) {
      Ipc.Decoded d = Ipc.decode(e.finish());
      assertEquals(1, d.batches().size());
      assertTrue(d.rows().isEmpty());
      assertNull(d.schema().findField("l").getDictionary());
    }
  }
}
