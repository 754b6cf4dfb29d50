package io.drls.spark;

import java.util.ArrayList;
import java.util.List;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Arrow and Spark schemas, both ways, for the types drls carries: integers, floats, decimal,
 * string, binary, boolean, date, timestamp, struct, list, map (and null). Anything else is an
 * error naming the column, found before any data moves.
 */
final class ArrowSchemas {
  private ArrowSchemas() {}

  /**
   * Spark to Arrow, in exactly the vector types Spark's ArrowWriter fills: Spark's own mapping,
   * reached through SparkArrowSchema because its signature differs between Spark versions.
   */
  static Schema toArrow(StructType schema, String timeZoneId) {
    for (StructField f : schema.fields()) checkSpark(f.dataType(), f.name());
    return SparkArrowSchema.toArrowSchema(schema, timeZoneId);
  }

  private static void checkSpark(DataType t, String column) {
    if (t instanceof BooleanType || t instanceof ByteType || t instanceof ShortType
        || t instanceof IntegerType || t instanceof LongType || t instanceof FloatType
        || t instanceof DoubleType || t instanceof DecimalType || t instanceof StringType
        || t instanceof BinaryType || t instanceof DateType || t instanceof TimestampType
        || t instanceof TimestampNTZType || t instanceof NullType) {
      return;
    }
    if (t instanceof ArrayType a) {
      checkSpark(a.elementType(), column + "[]");
    } else if (t instanceof MapType m) {
      checkSpark(m.keyType(), column + ".key");
      checkSpark(m.valueType(), column + ".value");
    } else if (t instanceof StructType s) {
      for (StructField f : s.fields()) checkSpark(f.dataType(), column + "." + f.name());
    } else {
      throw new UnsupportedOperationException("drls: column \"" + column + "\" has Spark type "
          + t.simpleString() + ", which drls does not carry (supported: integers, floats, decimal, "
          + "string, binary, boolean, date, timestamp, struct, array, map)");
    }
  }

  /** Arrow to Spark, accepting only what ArrowColumnVector reads without conversion. */
  static StructType toSpark(Schema schema) {
    List<StructField> fields = new ArrayList<>();
    for (Field f : schema.getFields()) {
      fields.add(DataTypes.createStructField(f.getName(), toSpark(f, f.getName()), f.isNullable()));
    }
    return DataTypes.createStructType(fields);
  }

  private static DataType toSpark(Field f, String column) {
    ArrowType t = f.getType();
    if (f.getDictionary() != null) {
      throw unsupported(column, "dictionary-encoded " + t, "decode it before publishing");
    }
    switch (t.getTypeID()) {
      case Bool:
        return DataTypes.BooleanType;
      case Int: {
        ArrowType.Int i = (ArrowType.Int) t;
        if (!i.getIsSigned()) throw unsupported(column, "uint" + i.getBitWidth(), "Spark has no unsigned integers; cast to a signed type");
        return switch (i.getBitWidth()) {
          case 8 -> DataTypes.ByteType;
          case 16 -> DataTypes.ShortType;
          case 32 -> DataTypes.IntegerType;
          default -> DataTypes.LongType;
        };
      }
      case FloatingPoint: {
        FloatingPointPrecision p = ((ArrowType.FloatingPoint) t).getPrecision();
        if (p == FloatingPointPrecision.SINGLE) return DataTypes.FloatType;
        if (p == FloatingPointPrecision.DOUBLE) return DataTypes.DoubleType;
        throw unsupported(column, "float16", "use float32 or float64");
      }
      case Decimal: {
        ArrowType.Decimal d = (ArrowType.Decimal) t;
        if (d.getBitWidth() != 128 || d.getPrecision() > DecimalType.MAX_PRECISION()) {
          throw unsupported(column, t.toString(), "Spark decimals are 128-bit with precision <= 38");
        }
        return DataTypes.createDecimalType(d.getPrecision(), d.getScale());
      }
      case Utf8:
      case LargeUtf8:
        return DataTypes.StringType;
      case Binary:
      case LargeBinary:
        return DataTypes.BinaryType;
      case Date:
        if (((ArrowType.Date) t).getUnit() == DateUnit.DAY) return DataTypes.DateType;
        throw unsupported(column, "date64 (milliseconds)", "use Date(DAY) (DateDay in Arrow JS)");
      case Timestamp: {
        ArrowType.Timestamp ts = (ArrowType.Timestamp) t;
        if (ts.getUnit() != TimeUnit.MICROSECOND) {
          throw unsupported(column, "timestamp in " + ts.getUnit(), "Spark timestamps are microseconds (TimestampMicrosecond)");
        }
        return ts.getTimezone() == null ? DataTypes.TimestampNTZType : DataTypes.TimestampType;
      }
      case Null:
        return DataTypes.NullType;
      case Struct: {
        List<StructField> fields = new ArrayList<>();
        for (Field c : f.getChildren()) {
          fields.add(DataTypes.createStructField(c.getName(), toSpark(c, column + "." + c.getName()), c.isNullable()));
        }
        return DataTypes.createStructType(fields);
      }
      case List: {
        Field element = f.getChildren().get(0);
        return DataTypes.createArrayType(toSpark(element, column + "[]"), element.isNullable());
      }
      case Map: {
        Field entries = f.getChildren().get(0);
        Field key = entries.getChildren().get(0);
        Field value = entries.getChildren().get(1);
        return DataTypes.createMapType(toSpark(key, column + ".key"),
            toSpark(value, column + ".value"), value.isNullable());
      }
      default:
        throw unsupported(column, t.toString(), "supported: integers, floats, decimal, string, binary, "
            + "boolean, date, timestamp, struct, list, map");
    }
  }

  private static UnsupportedOperationException unsupported(String column, String type, String hint) {
    return new UnsupportedOperationException("drls: column \"" + column + "\" has Arrow type " + type
        + ", which Spark cannot read from drls: " + hint);
  }
}
