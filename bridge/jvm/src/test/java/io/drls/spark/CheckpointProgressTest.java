package io.drls.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a query's checkpoint for the newest batch its sink committed, through Hadoop's local
 * filesystem, on folders laid out as Spark 4.0 to 4.3 write them (seen on disk: offsets v1 on every
 * version and v2 on 4.2 and 4.3 with spark.sql.streaming.offsetLog.formatVersion=2; commits v1, v2
 * with the state store checkpoint format 2, v3 on 4.2 and 4.3 with a named sink).
 */
class CheckpointProgressTest {
  private static final String INC = "1a9ae687-8062-4575-bb36-cae2ca95b2a2";
  private static final String OFFSET_METADATA = "{\"batchWatermarkMs\":0,\"batchTimestampMs\":1796096676373,"
      + "\"conf\":{\"spark.sql.shuffle.partitions\":\"2\"}}";
  private static final String COMMIT_V1 = "v1\n{\"nextBatchWatermarkMs\":0}";
  private static final String COMMIT_V2 = "v2\n{\"nextBatchWatermarkMs\":0,\"stateUniqueIds\":{\"0\":[[\"bd504b93\"],[\"9ca55c38\"]]}}";
  private static final String COMMIT_V3 = "v3\n{\"nextBatchWatermarkMs\":0,\"sinkMetadataMap\":{\"my_sink\":{\"sinkName\":\"my_sink\","
      + "\"commitOffset\":\"-\",\"providerName\":\"org.apache.spark.sql.execution.datasources.noop.NoopTable$\",\"apiVersion\":\"DSv2\",\"isActive\":true}}}";

  @TempDir
  Path dir;
  private Path root;
  private CheckpointProgress.Files files;

  @BeforeEach
  void setUp() throws Exception {
    root = dir.resolve("checkpoint");
    Files.createDirectories(root.resolve("offsets"));
    Files.createDirectories(root.resolve("commits"));
    write("metadata", "{\"id\":\"dfb357ed-7b54-43f9-ad8c-c1289108ecee\"}");
    files = HadoopCheckpointFiles.withDefaults();
  }

  private void write(String file, String text) throws IOException {
    Path p = root.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  private static String offset(long batchId) {
    return new BatchIdOffset(batchId, INC).json();
  }

  private Optional<BatchIdOffset> committed(String source) throws IOException {
    return CheckpointProgress.committed(files, root.resolve("sources").resolve(source).toString());
  }

  private static Optional<BatchIdOffset> at(long batchId) {
    return Optional.of(new BatchIdOffset(batchId, INC));
  }

  private static void assertOffset(Optional<BatchIdOffset> want, Optional<BatchIdOffset> got) {
    assertOffset(want, got, null);
  }

  private static void assertOffset(Optional<BatchIdOffset> want, Optional<BatchIdOffset> got, String why) {
    assertEquals(want.map(BatchIdOffset::json), got.map(BatchIdOffset::json), why);
  }

  @Test
  void v1TakesTheSourcesLineByPositionInTheNewestCommittedBatch() throws Exception {
    write("offsets/0", "v1\n" + OFFSET_METADATA + "\n" + offset(3) + "\n" + offset(10));
    write("commits/0", COMMIT_V1);
    write("offsets/1", "v1\n" + OFFSET_METADATA + "\n" + offset(5) + "\n" + offset(12));
    write("commits/1", COMMIT_V1);
    // Planned but not finished in the sink: a restart runs it again, so it is not acknowledged.
    write("offsets/2", "v1\n" + OFFSET_METADATA + "\n" + offset(9) + "\n" + offset(14));
    write("commits/.2.8c1e0a3b.tmp", COMMIT_V1);
    write("commits/.5.crc", "crc"); // a checksum file (of no batch here), not a batch
    assertOffset(at(5), committed("0"));
    assertOffset(at(12), committed("1"));
  }

  @Test
  void v2TakesTheLineOfTheSourcesIdInAnyOrder() throws Exception {
    write("offsets/0", "v2\n" + OFFSET_METADATA + "\n1:" + offset(7) + "\n0:" + offset(3));
    write("commits/0", COMMIT_V2);
    assertOffset(at(3), committed("0"));
    assertOffset(at(7), committed("1"));
    // A source the user named has its name as id, and as its folder's name.
    write("offsets/1", "v2\n" + OFFSET_METADATA + "\nsecond_src:" + offset(9) + "\nfirst_src:" + offset(8));
    write("commits/1", COMMIT_V3);
    assertOffset(at(8), committed("first_src"));
  }

  @Test
  void aSourceWithNoOffsetInTheBatchHasNothingCommitted() throws Exception {
    write("offsets/0", "v1\n" + OFFSET_METADATA + "\n-\n" + offset(4));
    write("commits/0", COMMIT_V2);
    assertOffset(Optional.empty(), committed("0"));
    assertOffset(at(4), committed("1"));
    write("offsets/1", "v2\n" + OFFSET_METADATA + "\n0:-");
    write("commits/1", COMMIT_V1);
    assertOffset(Optional.empty(), committed("0"));
  }

  @Test
  void noCommittedBatchYetIsNothingCommitted() throws Exception {
    write("offsets/0", "v1\n" + OFFSET_METADATA + "\n" + offset(3));
    assertOffset(Optional.empty(), committed("0"));
    Files.delete(root.resolve("commits"));
    assertOffset(Optional.empty(), committed("0"), "no commits folder");
  }

  @Test
  void anUnknownLogVersionIsRefusedNotGuessed() throws Exception {
    write("offsets/0", "v3\n" + OFFSET_METADATA + "\n" + offset(3));
    write("commits/0", COMMIT_V1);
    IOException e = assertThrows(IOException.class, () -> committed("0"));
    assertTrue(e.getMessage().contains("offsets/0 starts with \"v3\""), e.getMessage());
    write("offsets/0", "v1\n" + OFFSET_METADATA + "\n" + offset(3));
    write("commits/0", "v4\n{}");
    e = assertThrows(IOException.class, () -> committed("0"));
    assertTrue(e.getMessage().contains("commits/0 starts with \"v4\""), e.getMessage());
    write("commits/0", "");
    assertThrows(IOException.class, () -> committed("0"), "an empty commit file");
  }

  @Test
  void aCheckpointItCannotReadIsAFailureSayingWhy() throws Exception {
    write("offsets/0", "v1\n" + OFFSET_METADATA + "\n" + offset(3));
    write("commits/0", COMMIT_V1);
    assertTrue(assertThrows(IOException.class, () -> committed("1")).getMessage().contains("lists 1 sources, none at position 1"));
    assertTrue(assertThrows(IOException.class, () -> committed("named")).getMessage().contains("by position"));
    write("offsets/0", "v2\n" + OFFSET_METADATA + "\n0:" + offset(3));
    assertTrue(assertThrows(IOException.class, () -> committed("1")).getMessage().contains("no offset for source \"1\""));
    write("offsets/0", "v1\n" + OFFSET_METADATA + "\n{\"batchId\":\"three\"}");
    assertTrue(assertThrows(IOException.class, () -> committed("0")).getMessage().contains("is not {\"batchId\""));
    write("commits/1", COMMIT_V1); // committed, but its offsets are gone
    assertThrows(IOException.class, () -> committed("0"));
    IOException e = assertThrows(IOException.class,
        () -> CheckpointProgress.committed(files, dir.resolve("deleted/sources/0").toString()));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    e = assertThrows(IOException.class, () -> CheckpointProgress.committed(files, root.resolve("offsets").toString()));
    assertTrue(e.getMessage().contains("not a query's source folder"), e.getMessage());
  }

  @Test
  void aFileUriAndATrailingSlashAreTheSameFolder() throws Exception {
    write("offsets/0", "v1\n" + OFFSET_METADATA + "\n" + offset(6));
    write("commits/0", COMMIT_V1);
    String uri = root.toUri().toString().replaceAll("/$", "") + "/sources/0/";
    assertOffset(at(6), CheckpointProgress.committed(files, uri));
  }
}
