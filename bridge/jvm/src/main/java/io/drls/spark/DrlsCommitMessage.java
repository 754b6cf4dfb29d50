package io.drls.spark;

import java.util.List;

import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What a task reports to the driver: which attempt (its task attempt id) wrote a partition and how much. In driver mode
 * ({@code useJvmSink=false}) it also carries the partition's Arrow IPC streams; otherwise
 * {@code data} is null because the executor already sent them.
 */
record DrlsCommitMessage(int partition, long attempt, long rows, int batches, List<byte[]> data)
    implements WriterCommitMessage {}
