package io.drls.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.SparkBuildInfo;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The connector against whichever Spark is on the test classpath (test.sh: the pinned one, or
 * DRLS_SPARK_VERSION's): Spark's toArrowSchema reached through the form this Spark has, with
 * the same result on every Spark, and every Spark API the connector calls present.
 */
class SparkCompatTest {
  private static final String FOUR_ARGS = "toArrowSchema(StructType, String, boolean, boolean)";
  private static final String FIVE_ARGS = "toArrowSchema(StructType, String, boolean, boolean, boolean)";

  private static final StructType ALL = StructType.fromDDL(String.join(", ",
      "b TINYINT", "s SMALLINT", "i INT NOT NULL", "l BIGINT", "f FLOAT", "d DOUBLE", "dec DECIMAL(12, 3)",
      "str STRING", "bin BINARY", "bool BOOLEAN", "dt DATE", "ts TIMESTAMP", "ntz TIMESTAMP_NTZ",
      "st STRUCT<a: INT, b: STRING>", "li ARRAY<BIGINT>", "mp MAP<STRING, DOUBLE>"))
      .add("nothing", DataTypes.NullType);

  private static Field leaf(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  private static int sparkMinor() {
    String[] parts = SparkBuildInfo.spark_version().split("\\.");
    return Integer.parseInt(parts[1]);
  }

  /** test.sh names the Spark it put on the classpath; make sure that is the one running. */
  @Test
  void runsOnTheSparkTestShChose() {
    String want = System.getProperty("drls.test.sparkVersion", "");
    if (want.isBlank() || want.startsWith("${")) return; // run outside test.sh
    assertEquals(want, SparkBuildInfo.spark_version(), "the Spark on the test classpath");
  }

  @Test
  void choosesTheFormThisSparkHas() {
    List<String> forms = SparkArrowSchema.formsOnClasspath();
    assertNotNull(SparkArrowSchema.form(), "no known form among " + forms);
    assertTrue(forms.contains(SparkArrowSchema.form()), SparkArrowSchema.form() + " not among " + forms);
    // 4.0-4.2 have the form drls was built for; 4.3 replaced it.
    String want = sparkMinor() <= 2 ? FOUR_ARGS : FIVE_ARGS;
    assertEquals(want, SparkArrowSchema.form(), "on Spark " + SparkBuildInfo.spark_version() + " with " + forms);
  }

  /**
   * The same Arrow schema on every Spark, field for field (names of list and map children,
   * nullability, time zone, no "large" strings), so Node sees the same data whatever the Spark.
   */
  @Test
  void theSameArrowSchemaOnEverySpark() {
    ArrowType.Int i64 = new ArrowType.Int(64, true);
    ArrowType.FloatingPoint f64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    Schema want = new Schema(List.of(
        leaf("b", new ArrowType.Int(8, true)),
        leaf("s", new ArrowType.Int(16, true)),
        new Field("i", FieldType.notNullable(new ArrowType.Int(32, true)), null),
        leaf("l", i64),
        leaf("f", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
        leaf("d", f64),
        leaf("dec", new ArrowType.Decimal(12, 3, 128)),
        leaf("str", ArrowType.Utf8.INSTANCE),
        leaf("bin", ArrowType.Binary.INSTANCE),
        leaf("bool", ArrowType.Bool.INSTANCE),
        leaf("dt", new ArrowType.Date(DateUnit.DAY)),
        leaf("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "Asia/Tokyo")),
        leaf("ntz", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
        new Field("st", FieldType.nullable(ArrowType.Struct.INSTANCE),
            List.of(leaf("a", new ArrowType.Int(32, true)), leaf("b", ArrowType.Utf8.INSTANCE))),
        new Field("li", FieldType.nullable(ArrowType.List.INSTANCE), List.of(leaf("element", i64))),
        new Field("mp", FieldType.nullable(new ArrowType.Map(false)), List.of(
            new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(
                new Field("key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                leaf("value", f64))))),
        leaf("nothing", ArrowType.Null.INSTANCE)));
    assertEquals(want, SparkArrowSchema.toArrowSchema(ALL, "Asia/Tokyo"));
    assertEquals(want, ArrowSchemas.toArrow(ALL, "Asia/Tokyo"));
  }

  /** Duplicate names inside a struct stay an error (the flag the adapter passes, on every form). */
  @Test
  void duplicateNestedNamesAreRefused() {
    StructType inner = new StructType().add("a", DataTypes.IntegerType).add("a", DataTypes.StringType);
    StructType s = new StructType().add("st", inner);
    RuntimeException e = assertThrows(RuntimeException.class, () -> SparkArrowSchema.toArrowSchema(s, "UTC"));
    assertTrue(String.valueOf(e.getMessage()).contains("DUPLICATED_FIELD_NAME_IN_ARROW_STRUCT"), String.valueOf(e));
  }

  /**
   * Every class, method and field of Spark, Arrow and Scala that the connector's classes name is
   * on this classpath with the same signature, and no Spark interface grew an abstract method the
   * connector lacks: the whole connector links on this Spark, not only the paths a test runs.
   */
  @Test
  void theConnectorLinksAgainstThisSpark() throws Exception {
    Path classes = Path.of(ArrowSchemas.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> problems = ClassLinkage.problems(classes, ArrowSchemas.class.getClassLoader());
    assertTrue(problems.isEmpty(), "on Spark " + SparkBuildInfo.spark_version() + ":\n  " + String.join("\n  ", problems));
  }
}
