package io.drls.spark;

import java.util.regex.Pattern;

/** Stream incarnation ids, and what a query does when its checkpoint belongs to another one. */
final class Incarnations {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private Incarnations() {}

  static boolean valid(String id) {
    return ID.matcher(id).matches();
  }

  /**
   * The error of a query restarted on a checkpoint written for another incarnation of its stream:
   * reading on would take the new stream's batch ids for the old one's and skip them.
   */
  static IllegalStateException changed(String streamId, BatchIdOffset checkpointed, String current) {
    return new IllegalStateException("drls stream \"" + streamId + "\": the query's checkpoint is at batch "
        + checkpointed.batchId() + " of stream incarnation " + checkpointed.incarnation()
        + ", but the stream is now incarnation " + current
        + " (it was created anew under the same id, and its batch ids start again), so reading on would skip its batches."
        + " Start the query on a new checkpoint, or pass the option incarnationChange=restart to read the new"
        + " incarnation from its first batch.");
  }
}
