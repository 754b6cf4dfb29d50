package io.drls.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a query's checkpoint says its sink finished, for one source: the source's end offset in the
 * newest micro-batch of the commit log. Spark calls a source's {@code commit(end)} only when it
 * plans the next micro-batch, which a query that ends (Trigger.AvailableNow) or is stopped after
 * its last batch never does; the checkpoint still says how far the sink got, and a batch in the
 * commit log is one Spark never reads again (a restart goes on after it). Read with Spark's own
 * rules but none of its classes (they moved between Spark 4.0 and 4.3):
 * <ul>
 *   <li>{@code <root>/commits/<N>}: micro-batch N finished in the sink; {@code v1} (Spark 4.0 on),
 *   {@code v2} (state store checkpoint format 2), {@code v3} (Spark 4.2 on, a named sink), then a
 *   line of metadata JSON this does not need.</li>
 *   <li>{@code <root>/offsets/<N>}: its end offsets. {@code v1}, a line of metadata JSON, then one
 *   line per source in the order of the source folders {@code sources/0, 1, ...}; or {@code v2}
 *   (Spark 4.2 on, {@code spark.sql.streaming.offsetLog.formatVersion=2}), the metadata, then
 *   {@code <source id>:<offset>} lines in any order, the id being the source's folder name (its
 *   position, or the name a user gave it). An offset is the source's {@code json()}, or {@code -}
 *   for none.</li>
 * </ul>
 * Any other version is refused: its lines could mean something else.
 */
final class CheckpointProgress {
  /** Reads the checkpoint's files (paths are strings, as Spark hands the source its folder). */
  interface Files {
    boolean exists(String path) throws IOException;

    /** The names in a folder; empty when the folder does not exist. */
    List<String> list(String dir) throws IOException;

    /** A whole (small) file as UTF-8 text. */
    String read(String file) throws IOException;
  }

  static final Set<String> COMMIT_VERSIONS = Set.of("v1", "v2", "v3");
  static final Set<String> OFFSET_VERSIONS = Set.of("v1", "v2");
  private static final String NO_OFFSET = "-";

  private CheckpointProgress() {}

  /**
   * This source's end offset in the newest committed micro-batch; empty when no micro-batch has
   * been committed yet, or the source had no offset in it. {@code sourcePath} is the folder Spark
   * passed to {@code toMicroBatchStream}, {@code <root>/sources/<id>}. Throws IOException, saying
   * why, for a checkpoint that is missing or that it cannot read as one.
   */
  static Optional<BatchIdOffset> committed(Files files, String sourcePath) throws IOException {
    String path = sourcePath;
    while (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
    int slash = path.lastIndexOf('/');
    String sources = slash > 0 ? path.substring(0, slash) : "";
    String id = path.substring(slash + 1);
    if (!sources.endsWith("/sources") || id.isEmpty()) {
      throw new IOException(sourcePath + " is not a query's source folder <checkpoint>/sources/<id>");
    }
    String root = sources.substring(0, sources.length() - "/sources".length());
    if (root.isEmpty() || !files.exists(root)) {
      throw new IOException("the checkpoint " + root + " does not exist (a temporary one already deleted?)");
    }
    long last = -1;
    for (String name : files.list(root + "/commits")) {
      // Batch files only: not .crc files, nor a writer's temporary file.
      if (name.matches("[0-9]{1,18}")) last = Math.max(last, Long.parseLong(name));
    }
    if (last < 0) return Optional.empty();

    String commit = root + "/commits/" + last;
    version(commit, lines(files.read(commit)), COMMIT_VERSIONS);
    String offsets = root + "/offsets/" + last;
    List<String> lines = lines(files.read(offsets));
    String offset = version(offsets, lines, OFFSET_VERSIONS).equals("v1") ? byPosition(offsets, lines, id) : byId(offsets, lines, id);
    if (offset.equals(NO_OFFSET)) return Optional.empty();
    try {
      return Optional.of(BatchIdOffset.parse(offset));
    } catch (IllegalArgumentException e) {
      throw new IOException(offsets + ": source " + id + ": " + e.getMessage(), e);
    }
  }

  private static List<String> lines(String text) throws IOException {
    try (BufferedReader r = new BufferedReader(new StringReader(text))) {
      return r.lines().toList();
    }
  }

  private static String version(String file, List<String> lines, Set<String> known) throws IOException {
    String v = lines.isEmpty() ? "" : lines.get(0).trim();
    if (!known.contains(v)) {
      throw new IOException(file + " starts with \"" + v + "\", not one of the log versions " + known.stream().sorted().toList() + " this reads");
    }
    return v;
  }

  /** v1: the source's line is its position among the query's sources, after the version and the metadata. */
  private static String byPosition(String file, List<String> lines, String id) throws IOException {
    if (!id.matches("[0-9]{1,9}")) throw new IOException(file + " lists sources by position, but this source's folder is named \"" + id + "\"");
    int line = 2 + Integer.parseInt(id);
    if (line >= lines.size()) throw new IOException(file + " lists " + Math.max(0, lines.size() - 2) + " sources, none at position " + id);
    return lines.get(line);
  }

  /** v2: the line {@code <id>:<offset>}; the id ends at the first colon, as Spark reads it. */
  private static String byId(String file, List<String> lines, String id) throws IOException {
    for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
      int colon = line.indexOf(':');
      if (colon >= 0 && line.substring(0, colon).equals(id)) return line.substring(colon + 1);
    }
    throw new IOException(file + " has no offset for source \"" + id + "\"");
  }
}
