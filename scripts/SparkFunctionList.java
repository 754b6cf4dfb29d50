// Prints Spark's built-in function registry, one function a line: name, group, since, usage
// (tab-separated, whitespace in the usage folded to single spaces). Run by
// scripts/gen-spark-functions.ts with the pinned Spark's jars on the class path, as a single-file
// source program, so the list is the running Spark's own and nothing is compiled ahead of time.
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.jdk.javaapi.CollectionConverters;

public class SparkFunctionList {
  public static void main(String[] args) {
    // The same registry `SHOW FUNCTIONS` lists its built-ins from; no session is needed.
    var registry = FunctionRegistry$.MODULE$.builtin();
    List<String> lines = new ArrayList<>();
    for (FunctionIdentifier id : CollectionConverters.asJava(registry.listFunction())) {
      ExpressionInfo info = registry.lookupFunction(id).get();
      lines.add(String.join("\t", id.funcName(), clean(info.getGroup()), clean(info.getSince()), clean(info.getUsage())));
    }
    lines.sort(null);
    for (String line : lines) System.out.println(line);
  }

  private static String clean(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }
}
