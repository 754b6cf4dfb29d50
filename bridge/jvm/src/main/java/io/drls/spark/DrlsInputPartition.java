package io.drls.spark;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * Coordinator batches {@code first} to {@code last} (inclusive), fetched in order over one
 * connection by one task. A task per batch cost more in scheduling and connecting than small
 * batches take to read.
 */
record DrlsInputPartition(long first, long last) implements InputPartition {}
