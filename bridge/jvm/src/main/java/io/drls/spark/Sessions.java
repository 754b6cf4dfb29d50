package io.drls.spark;

import java.util.Optional;

import org.apache.spark.sql.SparkSession;

/** The Spark session the connector's driver code works for. */
final class Sessions {
  private Sessions() {}

  /**
   * The thread's active session (a query's own, on the query's thread), else the default one;
   * empty with no session at all (a unit test).
   */
  static Optional<SparkSession> current() {
    scala.Option<SparkSession> session = SparkSession.getActiveSession();
    if (session.isEmpty()) session = SparkSession.getDefaultSession();
    return session.isEmpty() ? Optional.empty() : Optional.of(session.get());
  }
}
