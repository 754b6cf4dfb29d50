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
    // Spark's attemptNumber starts again at 0 when a stage is retried, so two live attempts of
    // one partition (a zombie of the failed stage attempt and its retry) could share it. The
    // task attempt id is unique in the application: Node keeps each attempt's data apart by it.
    TaskContext ctx = TaskContext.get();
    int attemptNumber = ctx == null ? 0 : ctx.attemptNumber();
    return new DrlsDataWriter(schema, timeZone, options, epochId, partitionId, taskId, attemptNumber);
  }
}
