// The one place the Spark line drls runs on is pinned. Spark comes from PyPI because Maven
// Central does not publish spark-connect for 4.1; the sdist carries every jar Spark needs.
export const SPARK_VERSION = '4.1.1';
export const SCALA_BINARY = '2.13';

export const PYSPARK_SDIST = {
  index: 'https://pypi.org/simple/pyspark/',
  filename: `pyspark-${SPARK_VERSION}.tar.gz`,
  sha256: '77f78984aa84fbe865c717dd37b49913b4e5c97d76ef6824f932f1aefa6621ec',
} as const;

export const ICEBERG_RUNTIME = {
  version: '1.11.0',
  artifact: `iceberg-spark-runtime-4.1_${SCALA_BINARY}`,
  url:
    'https://repo.maven.apache.org/maven2/org/apache/iceberg/iceberg-spark-runtime-4.1_2.13/1.11.0/' +
    'iceberg-spark-runtime-4.1_2.13-1.11.0.jar',
  sha256: 'd6ea6c5d099288daeb7d5a92061bd3d7d8f296492632b42378e5f2f0e3066242',
} as const;

/** The jar whose resources hold Spark Connect's .proto files. */
export const CONNECT_JAR = `spark-connect_${SCALA_BINARY}-${SPARK_VERSION}.jar`;
