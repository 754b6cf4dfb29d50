package io.drls.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** ArrowSchemas both ways, and the errors that name the column drls cannot carry. */
class ArrowSchemasTest {
  /** Every Spark type drls carries, nested ones included. */
  private static final StructType ALL = StructType.fromDDL(String.join(", ",
      "b TINYINT", "s SMALLINT", "i INT NOT NULL", "l BIGINT", "f FLOAT", "d DOUBLE", "dec DECIMAL(12, 3)",
      "str STRING", "bin BINARY", "bool BOOLEAN", "dt DATE", "ts TIMESTAMP", "ntz TIMESTAMP_NTZ",
      "st STRUCT<a: INT, b: STRING>", "li ARRAY<BIGINT>", "mp MAP<STRING, DOUBLE>"))
      .add("nothing", DataTypes.NullType);

  private static Field field(String name, ArrowType type, Field... children) {
    return new Field(name, FieldType.nullable(type), children.length == 0 ? null : List.of(children));
  }

  private static ArrowType type(Schema s, String name) {
    return s.findField(name).getType();
  }

  @Test
  void sparkToArrow() {
    Schema a = ArrowSchemas.toArrow(ALL, "Europe/Paris");
    assertEquals(ALL.size(), a.getFields().size());
    assertEquals(new ArrowType.Int(8, true), type(a, "b"));
    assertEquals(new ArrowType.Int(16, true), type(a, "s"));
    assertEquals(new ArrowType.Int(32, true), type(a, "i"));
    assertFalse(a.findField("i").isNullable());
    assertTrue(a.findField("l").isNullable());
    assertEquals(new ArrowType.Int(64, true), type(a, "l"));
    assertEquals(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), type(a, "f"));
    assertEquals(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), type(a, "d"));
    assertEquals(new ArrowType.Decimal(12, 3, 128), type(a, "dec"));
    assertEquals(ArrowType.Utf8.INSTANCE, type(a, "str"));
    assertEquals(ArrowType.Binary.INSTANCE, type(a, "bin"));
    assertEquals(ArrowType.Bool.INSTANCE, type(a, "bool"));
    assertEquals(new ArrowType.Date(DateUnit.DAY), type(a, "dt"));
    assertEquals(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "Europe/Paris"), type(a, "ts"));
    assertEquals(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), type(a, "ntz"));
    assertEquals(ArrowType.Null.INSTANCE, type(a, "nothing"));

    Field st = a.findField("st");
    assertEquals(ArrowType.Struct.INSTANCE, st.getType());
    assertEquals(List.of("a", "b"), st.getChildren().stream().map(Field::getName).toList());
    assertEquals(ArrowType.Utf8.INSTANCE, st.getChildren().get(1).getType());

    Field li = a.findField("li");
    assertEquals(ArrowType.List.INSTANCE, li.getType());
    assertEquals(new ArrowType.Int(64, true), li.getChildren().get(0).getType());

    Field mp = a.findField("mp");
    assertEquals(new ArrowType.Map(false), mp.getType());
    Field entries = mp.getChildren().get(0);
    assertFalse(entries.isNullable());
    assertEquals(ArrowType.Utf8.INSTANCE, entries.getChildren().get(0).getType());
    assertFalse(entries.getChildren().get(0).isNullable(), "map keys are never null");
    assertEquals(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), entries.getChildren().get(1).getType());
  }

  @Test
  void sparkToArrowToSparkIsTheSameSchema() {
    assertEquals(ALL, ArrowSchemas.toSpark(ArrowSchemas.toArrow(ALL, "UTC")));
  }

  @Test
  void arrowToSpark() {
    Schema a = new Schema(List.of(
        field("i8", new ArrowType.Int(8, true)),
        field("i64", new ArrowType.Int(64, true)),
        new Field("req", FieldType.notNullable(new ArrowType.Int(32, true)), null),
        field("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
        field("dec", new ArrowType.Decimal(38, 10, 128)),
        field("utf8", ArrowType.Utf8.INSTANCE),
        field("lutf8", ArrowType.LargeUtf8.INSTANCE),
        field("bin", ArrowType.Binary.INSTANCE),
        field("lbin", ArrowType.LargeBinary.INSTANCE),
        field("bool", ArrowType.Bool.INSTANCE),
        field("day", new ArrowType.Date(DateUnit.DAY)),
        field("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
        field("ntz", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
        field("nul", ArrowType.Null.INSTANCE),
        field("st", ArrowType.Struct.INSTANCE, field("x", new ArrowType.Int(16, true))),
        new Field("li", FieldType.nullable(ArrowType.List.INSTANCE),
            List.of(new Field("item", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null))),
        mapField("mp", new ArrowType.Int(32, true), ArrowType.Bool.INSTANCE)));
    StructType want = StructType.fromDDL(String.join(", ",
        "i8 TINYINT", "i64 BIGINT", "req INT NOT NULL", "f32 FLOAT", "dec DECIMAL(38, 10)", "utf8 STRING",
        "lutf8 STRING", "bin BINARY", "lbin BINARY", "`bool` BOOLEAN", "`day` DATE", "ts TIMESTAMP",
        "ntz TIMESTAMP_NTZ"))
        .add("nul", DataTypes.NullType)
        .add("st", StructType.fromDDL("x SMALLINT"))
        .add("li", DataTypes.createArrayType(DataTypes.StringType, false))
        .add("mp", DataTypes.createMapType(DataTypes.IntegerType, DataTypes.BooleanType, true));
    assertEquals(want, ArrowSchemas.toSpark(a));
  }

  private static Field mapField(String name, ArrowType key, ArrowType value) {
    Field entries = new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(
        new Field("key", FieldType.notNullable(key), null), field("value", value)));
    return new Field(name, FieldType.nullable(new ArrowType.Map(false)), List.of(entries));
  }

  /** Arrow types Spark cannot read from drls, each refused with the column's path and the type. */
  @Test
  void unsupportedArrowTypesNameTheColumn() {
    assertRefused(field("u", new ArrowType.Int(8, false)), "\"u\"", "uint8");
    assertRefused(field("u64", new ArrowType.Int(64, false)), "\"u64\"", "uint64");
    assertRefused(field("half", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)), "\"half\"", "float16");
    assertRefused(field("d256", new ArrowType.Decimal(40, 2, 256)), "\"d256\"", "Decimal");
    assertRefused(field("ms", new ArrowType.Date(DateUnit.MILLISECOND)), "\"ms\"", "date64");
    assertRefused(field("tms", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")), "\"tms\"", "MILLISECOND");
    assertRefused(field("tns", new ArrowType.Timestamp(TimeUnit.NANOSECOND, null)), "\"tns\"", "NANOSECOND");
    assertRefused(field("ll", ArrowType.LargeList.INSTANCE, field("item", new ArrowType.Int(32, true))), "\"ll\"", "LargeList");
    assertRefused(field("t", new ArrowType.Time(TimeUnit.MILLISECOND, 32)), "\"t\"", "Time");
    assertRefused(new Field("dict", new FieldType(true, ArrowType.Utf8.INSTANCE,
        new DictionaryEncoding(0, false, new ArrowType.Int(32, true))), null), "\"dict\"", "dictionary-encoded");
    // Nested: the path names the child.
    assertRefused(field("st", ArrowType.Struct.INSTANCE, field("ok", ArrowType.Bool.INSTANCE),
        field("x", new ArrowType.Int(32, false))), "\"st.x\"", "uint32");
    assertRefused(field("li", ArrowType.List.INSTANCE, field("item", new ArrowType.Int(16, false))), "\"li[]\"", "uint16");
    assertRefused(mapField("mp", ArrowType.Utf8.INSTANCE, new ArrowType.Int(8, false)), "\"mp.value\"", "uint8");
    assertRefused(mapField("mk", new ArrowType.Date(DateUnit.MILLISECOND), ArrowType.Utf8.INSTANCE), "\"mk.key\"", "date64");
  }

  private static void assertRefused(Field f, String column, String type) {
    Schema s = new Schema(List.of(field("fine", ArrowType.Utf8.INSTANCE), f));
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> ArrowSchemas.toSpark(s));
    assertTrue(e.getMessage().contains("column " + column), e.getMessage());
    assertTrue(e.getMessage().contains(type), e.getMessage());
    assertTrue(e.getMessage().startsWith("drls: "), e.getMessage());
  }

  /** Spark types drls does not carry, refused before any data moves, naming the column. */
  @Test
  void unsupportedSparkTypesNameTheColumn() {
    assertRefused(StructType.fromDDL("ok INT, iv INTERVAL DAY TO SECOND"), "\"iv\"");
    assertRefused(new StructType().add("cal", DataTypes.CalendarIntervalType), "\"cal\"");
    assertRefused(StructType.fromDDL("st STRUCT<a: INT, ym: INTERVAL YEAR TO MONTH>"), "\"st.ym\"");
    assertRefused(new StructType().add("li", DataTypes.createArrayType(DataTypes.CalendarIntervalType)), "\"li[]\"");
    assertRefused(new StructType().add("mp", DataTypes.createMapType(DataTypes.StringType, DataTypes.CalendarIntervalType)), "\"mp.value\"");
    assertRefused(StructType.fromDDL("v VARIANT"), "\"v\"");
  }

  private static void assertRefused(StructType s, String column) {
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> ArrowSchemas.toArrow(s, "UTC"));
    assertTrue(e.getMessage().contains("column " + column), e.getMessage());
    assertTrue(e.getMessage().contains("does not carry"), e.getMessage());
  }

  @Test
  void aNullableFlagOnAnArrayElementIsKept() {
    DataType t = DataTypes.createArrayType(DataTypes.IntegerType, true);
    StructType s = new StructType().add("a", t);
    Field element = ArrowSchemas.toArrow(s, "UTC").findField("a").getChildren().get(0);
    assertTrue(element.isNullable());
    assertNull(element.getDictionary());
  }
}
