package io.drls.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * A checkpoint's files through Hadoop's FileSystem, as Spark itself reads checkpoints, so any
 * checkpoint filesystem works (local, HDFS, S3A, ...).
 */
final class HadoopCheckpointFiles implements CheckpointProgress.Files {
  private final Configuration conf;

  HadoopCheckpointFiles(Configuration conf) {
    this.conf = conf;
  }

  /**
   * With the Hadoop configuration Spark's checkpoint reading uses: the active session's (the query's
   * own, on the query's thread), else the default session's, else Hadoop's defaults.
   */
  static HadoopCheckpointFiles forSession() {
    return Sessions.current().map(s -> new HadoopCheckpointFiles(sessionHadoopConf(s))).orElseGet(HadoopCheckpointFiles::withDefaults);
  }

  /** With Hadoop's defaults (no session, e.g. a unit test). */
  static HadoopCheckpointFiles withDefaults() {
    return new HadoopCheckpointFiles(new Configuration());
  }

  /**
   * The session's {@code sessionState().newHadoopConf()}: the context's configuration with the
   * session's own {@code spark.hadoop.*} settings. Spark 4's API class does not declare
   * {@code sessionState} (the classic session does), hence the one reflective call; the context's
   * configuration is the fallback.
   */
  private static Configuration sessionHadoopConf(SparkSession session) {
    try {
      Object state = session.getClass().getMethod("sessionState").invoke(session);
      return (Configuration) state.getClass().getMethod("newHadoopConf").invoke(state);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return session.sparkContext().hadoopConfiguration();
    }
  }

  @Override
  public boolean exists(String path) throws IOException {
    Path p = new Path(path);
    return p.getFileSystem(conf).exists(p);
  }

  @Override
  public List<String> list(String dir) throws IOException {
    Path p = new Path(dir);
    FileStatus[] statuses;
    try {
      statuses = p.getFileSystem(conf).listStatus(p);
    } catch (FileNotFoundException e) {
      return List.of();
    }
    List<String> names = new ArrayList<>(statuses.length);
    for (FileStatus s : statuses) names.add(s.getPath().getName());
    return names;
  }

  @Override
  public String read(String file) throws IOException {
    Path p = new Path(file);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
