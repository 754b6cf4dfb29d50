package io.drls.spark;

import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;

/** Builds the streaming write; the schema check runs here, on the driver, before any task starts. */
final class DrlsWriteBuilder implements WriteBuilder, Write {
  private final StructType schema;
  private final DrlsOptions options;

  DrlsWriteBuilder(StructType schema, DrlsOptions options) {
    this.schema = schema;
    this.options = options;
  }

  @Override
  public Write build() {
    return this;
  }

  @Override
  public StreamingWrite toStreaming() {
    String timeZone = SQLConf.get().sessionLocalTimeZone();
    ArrowSchemas.toArrow(schema, timeZone); // fails fast naming an unsupported column
    return new DrlsStreamingWrite(schema, timeZone, options);
  }
}
