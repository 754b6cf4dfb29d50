package io.drls.spark;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.spark.TaskContext;

/**
 * Blocking socket I/O ignores Thread.interrupt, so a task held by backpressure would survive
 * Spark's kill (query.stop(), a cancelled job). This watch closes the task's connection once
 * Spark marks the task interrupted, which makes the blocked write or read fail at once.
 */
final class TaskInterruptWatch implements AutoCloseable {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "drls-task-interrupt-watch");
    t.setDaemon(true);
    return t;
  });

  private final ScheduledFuture<?> future;

  private TaskInterruptWatch(ScheduledFuture<?> future) {
    this.future = future;
  }

  /** Watches the current task (none outside a task: then nothing is watched). */
  static TaskInterruptWatch watch(Closeable connection) {
    TaskContext ctx = TaskContext.get();
    if (ctx == null) return new TaskInterruptWatch(null);
    ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
    self[0] = TIMER.scheduleWithFixedDelay(() -> {
      if (ctx.isInterrupted() || ctx.isCompleted()) {
        if (ctx.isInterrupted()) {
          try {
            connection.close();
          } catch (IOException ignored) {
            // closing is all we want
          }
        }
        if (self[0] != null) self[0].cancel(false);
      }
    }, 200, 200, TimeUnit.MILLISECONDS);
    return new TaskInterruptWatch(self[0]);
  }

  @Override
  public void close() {
    if (future != null) future.cancel(false);
  }
}
