package io.drls.spark;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;

/**
 * Spark's own {@code ArrowUtils.toArrowSchema}, in whichever form the running Spark has, so one
 * connector jar runs on every Spark 4.x. The form is chosen once, when the class loads:
 * <ul>
 * <li>4.0-4.2: {@code (schema, timeZoneId, errorOnDuplicatedFieldNames, largeVarTypes)};</li>
 * <li>4.3 on: the 4-argument form is gone; {@code (schema, timeZoneId,
 * errorOnDuplicatedFieldNames, largeVarTypes, x)} takes its place, whose fifth flag (off by
 * default) only changes types drls does not carry (intervals, nanosecond timestamps).</li>
 * </ul>
 * Every form is called as the connector always did: duplicate nested names are an error, string
 * and binary are not "large", and any newer flag keeps its default (off). The 3-argument form of
 * 4.2 and later is never used: it skips the duplicate-name check.
 */
final class SparkArrowSchema {
  private SparkArrowSchema() {}

  /** {@code (StructType, String)Schema}, or null when this Spark has no form drls knows. */
  private static final MethodHandle TO_ARROW_SCHEMA;
  /** The form chosen, as a signature, for messages and tests. */
  private static final String FORM;

  /**
   * The flags after (schema, timeZoneId) of each form drls knows, in the order tried: every
   * extra parameter is a boolean. The form drls was built against comes first.
   */
  private static final boolean[][] FORMS = {
      {true, false}, // errorOnDuplicatedFieldNames, largeVarTypes (4.0-4.2)
      {true, false, false}, // the same, then 4.3's new flag at its default
  };

  static {
    MethodHandle chosen = null;
    String form = null;
    for (boolean[] flags : FORMS) {
      Class<?>[] params = new Class<?>[2 + flags.length];
      Object[] values = new Object[flags.length];
      params[0] = StructType.class;
      params[1] = String.class;
      for (int i = 0; i < flags.length; i++) {
        params[2 + i] = boolean.class;
        values[i] = flags[i];
      }
      try {
        MethodHandle h = MethodHandles.publicLookup()
            .findStatic(ArrowUtils.class, "toArrowSchema", MethodType.methodType(Schema.class, params));
        chosen = MethodHandles.insertArguments(h, 2, values);
        form = signature(params);
        break;
      } catch (NoSuchMethodException | IllegalAccessException e) {
        // not this Spark's form; try the next
      }
    }
    TO_ARROW_SCHEMA = chosen;
    FORM = form;
  }

  /** Spark to Arrow, exactly as this Spark's ArrowWriter expects its vectors. */
  static Schema toArrowSchema(StructType schema, String timeZoneId) {
    if (TO_ARROW_SCHEMA == null) {
      throw new UnsupportedOperationException("drls: this Spark's ArrowUtils has no toArrowSchema form the "
          + "connector knows (it has " + String.join("; ", formsOnClasspath()) + "); the connector needs "
          + "updating for this Spark version");
    }
    try {
      return (Schema) TO_ARROW_SCHEMA.invokeExact(schema, timeZoneId);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      // toArrowSchema declares nothing; Scala may still throw a checked exception.
      throw new IllegalStateException("drls: ArrowUtils.toArrowSchema failed: " + t, t);
    }
  }

  /** The form in use, e.g. {@code toArrowSchema(StructType, String, boolean, boolean)}; null if none. */
  static String form() {
    return FORM;
  }

  /** Every public toArrowSchema this Spark has, as signatures. */
  static List<String> formsOnClasspath() {
    List<String> forms = new ArrayList<>();
    for (Method m : ArrowUtils.class.getMethods()) {
      if (m.getName().equals("toArrowSchema")) forms.add(signature(m.getParameterTypes()));
    }
    forms.sort(null);
    return forms;
  }

  private static String signature(Class<?>[] params) {
    List<String> names = new ArrayList<>();
    for (Class<?> p : params) names.add(p.getSimpleName());
    return "toArrowSchema(" + String.join(", ", names) + ")";
  }
}
