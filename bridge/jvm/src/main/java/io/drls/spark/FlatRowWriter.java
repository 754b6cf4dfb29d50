package io.drls.spark;

import java.util.Arrays;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Rows into Arrow vectors for flat schemas of integer, float, boolean, date, timestamp, string
 * and binary columns. This is the forward path's hot loop (once per row and column), so it
 * writes each value with a raw store into buffers sized for a whole batch, checking capacity
 * once per row instead of once per value, and reads Spark's {@link UnsafeRow} (what a query
 * plan almost always hands a sink) straight from its memory, without a UTF8String per string.
 * Other schemas (decimal, nested types) keep using Spark's ArrowWriter.
 */
final class FlatRowWriter {
  private static final int INITIAL_ROWS = 1 << 16;

  // Column kinds: how a value is read from a row and where it goes.
  private static final int LONG = 0;
  private static final int INT = 1;
  private static final int SHORT = 2;
  private static final int BYTE = 3;
  private static final int DOUBLE = 4;
  private static final int FLOAT = 5;
  private static final int BOOLEAN = 6;
  private static final int BYTES = 7; // string or binary: offsets and data

  private final VectorSchemaRoot root;
  private final Column[] columns;
  /** Bytes of an UnsafeRow's null bit set for this many columns. */
  private final int nullBitsWidth;
  /** Bytes every row adds to the fixed-width values and the offsets. */
  private final int fixedRowBytes;
  /** Validity bitmaps and boolean values: a bit per row each. */
  private final int bitmaps;
  private final Column[] variable;
  /** Bytes of variable-width values written to this batch, kept as they are written: bytes() runs every row. */
  private long variableBytes;
  private int count;
  /** Rows every column has room for; checked once per row. */
  private int capacity;

  private FlatRowWriter(VectorSchemaRoot root, Column[] columns) {
    this.root = root;
    this.columns = columns;
    this.nullBitsWidth = UnsafeRow.calculateBitSetWidthInBytes(columns.length);
    int fixed = 0;
    int bits = columns.length;
    for (Column c : columns) {
      if (c.kind == BYTES) fixed += 4;
      else if (c.kind == BOOLEAN) bits++;
      else fixed += 1 << c.shift;
    }
    this.fixedRowBytes = fixed;
    this.bitmaps = bits;
    this.variable = Arrays.stream(columns).filter(c -> c.kind == BYTES).toArray(Column[]::new);
  }

  /** A writer for {@code root}'s vectors, or null when one of them is not a flat type. */
  static FlatRowWriter create(VectorSchemaRoot root, int maxRows, long maxBytes) {
    var vectors = root.getFieldVectors();
    Column[] columns = new Column[vectors.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = column(vectors.get(i));
      if (columns[i] == null) return null;
    }
    FlatRowWriter writer = new FlatRowWriter(root, columns);
    // Sized for a whole batch (a string counted as 16 bytes), so a batch rarely grows; a very
    // large batch, in rows or bytes, starts smaller and grows.
    long rowBytes = Math.max(1, writer.fixedRowBytes + 16L * writer.variable.length);
    int rows = (int) Math.max(1, Math.min(Math.min(maxRows, INITIAL_ROWS), maxBytes / rowBytes + 1));
    for (Column c : columns) c.allocate(rows);
    writer.refreshCapacity();
    return writer;
  }

  private static Column column(FieldVector v) {
    if (v instanceof BigIntVector || v instanceof TimeStampMicroTZVector || v instanceof TimeStampMicroVector) {
      return new Column(v, LONG, 3);
    }
    if (v instanceof IntVector || v instanceof DateDayVector) return new Column(v, INT, 2);
    if (v instanceof SmallIntVector) return new Column(v, SHORT, 1);
    if (v instanceof TinyIntVector) return new Column(v, BYTE, 0);
    if (v instanceof Float8Vector) return new Column(v, DOUBLE, 3);
    if (v instanceof Float4Vector) return new Column(v, FLOAT, 2);
    if (v instanceof BitVector) return new Column(v, BOOLEAN, 0);
    if (v instanceof VarCharVector || v instanceof VarBinaryVector) return new Column(v, BYTES, 0);
    return null;
  }

  void write(InternalRow row) {
    if (count >= capacity) grow();
    if (row instanceof UnsafeRow unsafe && unsafe.numFields() == columns.length) writeUnsafe(unsafe);
    else writeGeneric(row);
    count++;
  }

  /** Reads the row's fields from its own memory: the layout is UnsafeRow's (null bits, then 8-byte slots). */
  private void writeUnsafe(UnsafeRow row) {
    Object base = row.getBaseObject();
    long start = row.getBaseOffset();
    long fields = start + nullBitsWidth;
    int index = count;
    for (int i = 0; i < columns.length; i++) {
      Column c = columns[i];
      if ((Platform.getLong(base, start + ((long) (i >> 6) << 3)) & (1L << (i & 63))) != 0) {
        if (c.kind == BYTES) c.endValue(index);
        continue; // validity stays 0: reset() zeroed it
      }
      long slot = fields + ((long) i << 3);
      long at = c.data + ((long) index << c.shift);
      switch (c.kind) {
        case LONG -> Platform.putLong(null, at, Platform.getLong(base, slot));
        case INT -> Platform.putInt(null, at, Platform.getInt(base, slot));
        case SHORT -> Platform.putShort(null, at, Platform.getShort(base, slot));
        case BYTE -> Platform.putByte(null, at, Platform.getByte(base, slot));
        case DOUBLE -> Platform.putDouble(null, at, Platform.getDouble(base, slot));
        case FLOAT -> Platform.putFloat(null, at, Platform.getFloat(base, slot));
        case BOOLEAN -> {
          if (Platform.getBoolean(base, slot)) setBit(c.data, index);
        }
        default -> {
          long offsetAndSize = Platform.getLong(base, slot);
          int size = (int) offsetAndSize;
          c.appendPadded(base, start + (offsetAndSize >>> 32), size);
          variableBytes += size;
          c.endValue(index);
        }
      }
      setBit(c.validity, index);
    }
  }

  /** Any other InternalRow, through its getters. */
  private void writeGeneric(InternalRow row) {
    int index = count;
    for (int i = 0; i < columns.length; i++) {
      Column c = columns[i];
      if (row.isNullAt(i)) {
        if (c.kind == BYTES) c.endValue(index);
        continue;
      }
      long at = c.data + ((long) index << c.shift);
      switch (c.kind) {
        case LONG -> Platform.putLong(null, at, row.getLong(i));
        case INT -> Platform.putInt(null, at, row.getInt(i));
        case SHORT -> Platform.putShort(null, at, row.getShort(i));
        case BYTE -> Platform.putByte(null, at, row.getByte(i));
        case DOUBLE -> Platform.putDouble(null, at, row.getDouble(i));
        case FLOAT -> Platform.putFloat(null, at, row.getFloat(i));
        case BOOLEAN -> {
          if (row.getBoolean(i)) setBit(c.data, index);
        }
        default -> {
          if (c.vector instanceof VarCharVector) {
            UTF8String s = row.getUTF8String(i);
            c.append(s.getBaseObject(), s.getBaseOffset(), s.numBytes());
            variableBytes += s.numBytes();
          } else {
            byte[] b = row.getBinary(i);
            c.append(b, Platform.BYTE_ARRAY_OFFSET, b.length);
            variableBytes += b.length;
          }
          c.endValue(index);
        }
      }
      setBit(c.validity, index);
    }
  }

  private static void setBit(long address, int index) {
    long at = address + (index >> 3);
    Platform.putByte(null, at, (byte) (Platform.getByte(null, at) | (1 << (index & 7))));
  }

  private void grow() {
    for (Column c : columns) c.grow(count);
    refreshCapacity();
  }

  private void refreshCapacity() {
    int min = Integer.MAX_VALUE;
    for (Column c : columns) min = Math.min(min, c.vector.getValueCapacity());
    capacity = min;
  }

  /** Bytes of the rows written so far, as the IPC body will hold them (padding aside). Asked after every row. */
  long bytes() {
    return (long) count * fixedRowBytes + (long) bitmaps * ((count + 7) >> 3) + 4L * variable.length + variableBytes;
  }

  /** Sets the row counts, so the root can be serialized. */
  void finish() {
    for (Column c : columns) c.finish(count);
    root.setRowCount(count);
  }

  /** Empties the vectors for the next batch, keeping their memory (zeroed, so validity starts clear). */
  void reset() {
    for (Column c : columns) c.reset();
    count = 0;
    variableBytes = 0;
    refreshCapacity();
  }

  /** One vector and the raw addresses of its buffers, refreshed whenever Arrow reallocates them. */
  private static final class Column {
    final FieldVector vector;
    final int kind;
    /** log2 of the value width in bytes, for fixed-width kinds. */
    final int shift;
    long validity;
    long data;
    long offsets;
    long dataCapacity;
    /** End of the variable-width data written so far. */
    int end;

    Column(FieldVector vector, int kind, int shift) {
      this.vector = vector;
      this.kind = kind;
      this.shift = shift;
    }

    void allocate(int rows) {
      if (vector instanceof BaseVariableWidthVector v) v.allocateNew(rows * 16L, rows);
      else ((BaseFixedWidthVector) vector).allocateNew(rows);
      addresses();
    }

    private void addresses() {
      validity = vector.getValidityBuffer().memoryAddress();
      data = vector.getDataBuffer().memoryAddress();
      dataCapacity = vector.getDataBuffer().capacity();
      if (kind == BYTES) offsets = vector.getOffsetBuffer().memoryAddress();
    }

    void grow(int rows) {
      if (vector.getValueCapacity() > rows) return;
      if (vector instanceof BaseVariableWidthVector v) v.reallocValidityAndOffsetBuffers();
      else ((BaseFixedWidthVector) vector).reAlloc();
      addresses();
    }

    /** Copies n bytes to the end of the data buffer, growing it first when they do not fit. */
    void append(Object base, long offset, int n) {
      while ((long) end + n > dataCapacity) {
        ((BaseVariableWidthVector) vector).reallocDataBuffer();
        addresses();
      }
      Platform.copyMemory(base, offset, null, data + end, n);
      end += n;
    }

    /**
     * Like {@link #append} for bytes inside an UnsafeRow, which pads them to whole 8-byte words:
     * short values (the common case) go a word at a time, cheaper than a copyMemory call. The
     * bytes written past the value's end are overwritten by the next one or never sent.
     */
    void appendPadded(Object base, long offset, int n) {
      if (n > 64) {
        append(base, offset, n);
        return;
      }
      while ((long) end + n + 8 > dataCapacity) {
        ((BaseVariableWidthVector) vector).reallocDataBuffer();
        addresses();
      }
      long to = data + end;
      for (int k = 0; k < n; k += 8) Platform.putLong(null, to + k, Platform.getLong(base, offset + k));
      end += n;
    }

    /** Records where value {@code index} ends (also for a null, which takes no bytes). */
    void endValue(int index) {
      Platform.putInt(null, offsets + (((long) index + 1) << 2), end);
    }

    void finish(int rows) {
      if (vector instanceof BaseVariableWidthVector v) v.setLastSet(rows - 1);
      vector.setValueCount(rows);
    }

    void reset() {
      vector.reset();
      addresses();
      end = 0;
    }
  }
}
