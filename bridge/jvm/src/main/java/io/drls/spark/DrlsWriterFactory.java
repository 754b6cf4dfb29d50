package io.drls.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.types.StructType;

/** Shipped to executors; makes one writer per task attempt. */
final class DrlsWriterFactory implements StreamingDataWriterFactory {
  private static final long serialVersionUID = 1L;

  private final StructType schema;
  private final String timeZone;
  private final DrlsOptions options;

  DrlsWriterFactory(StructType schema, String timeZone, DrlsOptions options) {
    this.schema = schema;
    this.timeZone = timeZone;
    this.options = options;
  }

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId, long epochId) {
    TaskContext ctx = TaskContext.get();
    int attempt = ctx == null ? 0 : ctx.attemptNumber();
    return new DrlsDataWriter(schema, timeZone, options, epochId, partitionId, attempt, taskId);
  }
}
