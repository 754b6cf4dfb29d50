package io.drls.spark;

import java.util.Map;

import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Entry point of {@code format("drls")}: one provider for both directions. Spark asks for a schema
 * on both {@code readStream...load()} and {@code writeStream...start()}; the Node endpoint says
 * whether the stream is a source (then its Arrow schema is the table's) or a sink (empty schema,
 * as Spark's own console sink does).
 */
public final class DrlsDataSource implements TableProvider, DataSourceRegister {

  @Override
  public String shortName() {
    return "drls";
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    DrlsOptions opts = DrlsOptions.parse(options);
    return SourceClient.probeSchema(opts);
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new DrlsTable(schema, DrlsOptions.parse(new CaseInsensitiveStringMap(properties)));
  }

  @Override
  public boolean supportsExternalMetadata() {
    // A user-given schema on readStream is accepted; batches must still match it.
    return true;
  }
}
