package io.drls.spark;

import org.apache.spark.sql.connector.read.InputPartition;

/** One coordinator batch to fetch. */
record DrlsInputPartition(long batchId) implements InputPartition {}
