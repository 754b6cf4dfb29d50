package io.drls.spark;

import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.types.StructType;

/** The read side of a drls table: only micro-batch streaming. */
final class DrlsScan implements ScanBuilder, Scan {
  private final StructType schema;
  private final DrlsOptions options;

  DrlsScan(StructType schema, DrlsOptions options) {
    this.schema = schema;
    this.options = options;
  }

  @Override
  public Scan build() {
    return this;
  }

  @Override
  public StructType readSchema() {
    return schema;
  }

  @Override
  public String description() {
    return "drls stream \"" + options.streamId() + "\"";
  }

  /** {@code checkpointLocation} is this source's folder in the query's checkpoint, {@code <root>/sources/<id>}. */
  @Override
  public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
    return new DrlsMicroBatchStream(schema, options, checkpointLocation);
  }
}
