package io.drls.spark;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
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
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Rows into Arrow vectors for flat schemas of integer, float, boolean, date, timestamp, string
 * and binary columns: each value goes straight into its vector's buffers, which are sized for a
 * whole batch up front. This is the forward path's hot loop (once per row and column), and
 * Spark's ArrowWriter spends most of it on per-value capacity checks and ByteBuffer wrapping.
 * Other schemas (decimal, nested types) keep using Spark's ArrowWriter.
 */
final class FlatRowWriter {
  private static final int INITIAL_ROWS = 1 << 16;

  private final VectorSchemaRoot root;
  private final Column[] columns;
  private int count;

  private FlatRowWriter(VectorSchemaRoot root, Column[] columns) {
    this.root = root;
    this.columns = columns;
  }

  /** A writer for {@code root}'s vectors, or null when one of them is not a flat type. */
  static FlatRowWriter create(VectorSchemaRoot root, int maxRows) {
    var vectors = root.getFieldVectors();
    Column[] columns = new Column[vectors.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = column(vectors.get(i));
      if (columns[i] == null) return null;
    }
    // Sized for a whole batch; a very large maxRowsPerBatch starts smaller and grows.
    int rows = Math.min(maxRows, INITIAL_ROWS);
    for (Column c : columns) c.allocate(rows);
    return new FlatRowWriter(root, columns);
  }

  private static Column column(FieldVector v) {
    if (v instanceof BigIntVector || v instanceof TimeStampMicroTZVector || v instanceof TimeStampMicroVector) {
      return new Fixed((BaseFixedWidthVector) v, (d, row, o, i) -> d.setLong((long) i << 3, row.getLong(o)));
    }
    if (v instanceof IntVector || v instanceof DateDayVector) {
      return new Fixed((BaseFixedWidthVector) v, (d, row, o, i) -> d.setInt((long) i << 2, row.getInt(o)));
    }
    if (v instanceof SmallIntVector) {
      return new Fixed((BaseFixedWidthVector) v, (d, row, o, i) -> d.setShort((long) i << 1, row.getShort(o)));
    }
    if (v instanceof TinyIntVector) {
      return new Fixed((BaseFixedWidthVector) v, (d, row, o, i) -> d.setByte(i, row.getByte(o)));
    }
    if (v instanceof Float8Vector) {
      return new Fixed((BaseFixedWidthVector) v, (d, row, o, i) -> d.setDouble((long) i << 3, row.getDouble(o)));
    }
    if (v instanceof Float4Vector) {
      return new Fixed((BaseFixedWidthVector) v, (d, row, o, i) -> d.setFloat((long) i << 2, row.getFloat(o)));
    }
    if (v instanceof BitVector) {
      return new Fixed((BaseFixedWidthVector) v, (d, row, o, i) -> {
        if (row.getBoolean(o)) BitVectorHelper.setBit(d, i);
      });
    }
    if (v instanceof VarCharVector) return new Variable((BaseVariableWidthVector) v, true);
    if (v instanceof VarBinaryVector) return new Variable((BaseVariableWidthVector) v, false);
    return null;
  }

  void write(InternalRow row) {
    for (int i = 0; i < columns.length; i++) columns[i].write(row, i, count);
    count++;
  }

  /** Sets the row counts, so the root can be serialized. */
  void finish() {
    for (Column c : columns) c.finish(count);
    root.setRowCount(count);
  }

  /** Empties the vectors for the next batch, keeping their memory. */
  void reset() {
    for (Column c : columns) c.reset();
    count = 0;
  }

  private abstract static class Column {
    abstract void allocate(int rows);

    abstract void write(InternalRow row, int ordinal, int index);

    abstract void finish(int rows);

    abstract void reset();
  }

  /** Writes one non-null value of a row into a fixed-width data buffer. */
  @FunctionalInterface
  private interface Put {
    void put(ArrowBuf data, InternalRow row, int ordinal, int index);
  }

  /** A fixed-width vector: a validity bit and a value written in place. */
  private static final class Fixed extends Column {
    private final BaseFixedWidthVector vector;
    private final Put put;
    private ArrowBuf validity;
    private ArrowBuf data;
    private int capacity;

    Fixed(BaseFixedWidthVector vector, Put put) {
      this.vector = vector;
      this.put = put;
    }

    @Override
    void allocate(int rows) {
      vector.allocateNew(rows);
      buffers();
    }

    private void buffers() {
      validity = vector.getValidityBuffer();
      data = vector.getDataBuffer();
      capacity = vector.getValueCapacity();
    }

    @Override
    void write(InternalRow row, int ordinal, int index) {
      if (index >= capacity) {
        vector.reAlloc();
        buffers();
      }
      if (row.isNullAt(ordinal)) return; // validity stays 0: reset() zeroed it
      BitVectorHelper.setBit(validity, index);
      put.put(data, row, ordinal, index);
    }

    @Override
    void finish(int rows) {
      vector.setValueCount(rows);
    }

    @Override
    void reset() {
      vector.reset();
    }
  }

  /** A string or binary vector: bytes copied from the row into the data buffer, which grows as needed. */
  private static final class Variable extends Column {
    private final BaseVariableWidthVector vector;
    private final boolean utf8;
    private ArrowBuf validity;
    private ArrowBuf offsets;
    private ArrowBuf data;
    private int capacity;
    private int end;

    Variable(BaseVariableWidthVector vector, boolean utf8) {
      this.vector = vector;
      this.utf8 = utf8;
    }

    @Override
    void allocate(int rows) {
      vector.allocateNew(rows * 16L, rows);
      buffers();
    }

    private void buffers() {
      validity = vector.getValidityBuffer();
      offsets = vector.getOffsetBuffer();
      data = vector.getDataBuffer();
      capacity = vector.getValueCapacity();
    }

    @Override
    void write(InternalRow row, int ordinal, int index) {
      if (index >= capacity) {
        vector.reallocValidityAndOffsetBuffers();
        buffers();
      }
      if (!row.isNullAt(ordinal)) {
        if (utf8) {
          UTF8String s = row.getUTF8String(ordinal);
          int n = s.numBytes();
          room(n);
          Platform.copyMemory(s.getBaseObject(), s.getBaseOffset(), null, data.memoryAddress() + end, n);
          end += n;
        } else {
          byte[] b = row.getBinary(ordinal);
          room(b.length);
          data.setBytes(end, b, 0, b.length);
          end += b.length;
        }
        BitVectorHelper.setBit(validity, index);
      }
      offsets.setInt(((long) index + 1) << 2, end);
    }

    private void room(int n) {
      while ((long) end + n > data.capacity()) {
        vector.reallocDataBuffer();
        data = vector.getDataBuffer();
      }
    }

    @Override
    void finish(int rows) {
      vector.setLastSet(rows - 1);
      vector.setValueCount(rows);
    }

    @Override
    void reset() {
      vector.reset();
      end = 0;
    }
  }
}
