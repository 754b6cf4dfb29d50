package io.drls.spark;

import java.util.EnumSet;
import java.util.Set;

import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** One drls stream seen as a Spark table: read as a micro-batch source, written as a streaming sink. */
final class DrlsTable implements SupportsRead, SupportsWrite {
  private final StructType schema;
  private final DrlsOptions options;

  DrlsTable(StructType schema, DrlsOptions options) {
    this.schema = schema;
    this.options = options;
  }

  @Override
  public String name() {
    return "drls:" + options.streamId();
  }

  @Override
  public StructType schema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(TableCapability.MICRO_BATCH_READ, TableCapability.STREAMING_WRITE);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap ignored) {
    return new DrlsScan(schema, options);
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    return new DrlsWriteBuilder(info.schema(), options);
  }
}
