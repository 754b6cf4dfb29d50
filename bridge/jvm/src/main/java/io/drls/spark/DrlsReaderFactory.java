package io.drls.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/** Shipped to executors; every partition is read as Arrow columnar batches, never row by row. */
final class DrlsReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  private final StructType schema;
  private final DrlsOptions options;

  DrlsReaderFactory(StructType schema, DrlsOptions options) {
    this.schema = schema;
    this.options = options;
  }

  @Override
  public boolean supportColumnarReads(InputPartition partition) {
    return true;
  }

  @Override
  public PartitionReader<ColumnarBatch> createColumnarReader(InputPartition partition) {
    DrlsInputPartition range = (DrlsInputPartition) partition;
    return new DrlsColumnarReader(schema, options, range.first(), range.last());
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    throw new UnsupportedOperationException("drls reads columnar batches only");
  }
}
