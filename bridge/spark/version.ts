// The one place the Spark line drls runs on is pinned. Spark comes from PyPI because Maven
// Central does not publish spark-connect for 4.1; the sdist carries every jar Spark needs.
// bridge/jvm/build.sh and test.sh read SPARK_VERSION from the line below: keep its form.
export const SPARK_VERSION = '4.1.1';
export const SCALA_BINARY = '2.13';

/** What set-up accepts besides the pinned Spark: any 4.x.y release PyPI publishes. */
export const SPARK_RELEASE = /^4\.\d+\.\d+$/;

export const PYSPARK_INDEX = 'https://pypi.org/simple/pyspark/';

/** The pinned Spark's sdist is checked against this hash; other releases against PyPI's. */
const PINNED_SDIST_SHA256 = '77f78984aa84fbe865c717dd37b49913b4e5c97d76ef6824f932f1aefa6621ec';

export interface PysparkSdist {
  readonly index: string;
  readonly filename: string;
  /** Pinned here for the pinned Spark; null means "take it from PyPI's index". */
  readonly sha256: string | null;
}

export function pysparkSdist(version: string): PysparkSdist {
  return {
    index: PYSPARK_INDEX,
    filename: `pyspark-${version}.tar.gz`,
    sha256: version === SPARK_VERSION ? PINNED_SDIST_SHA256 : null,
  };
}

export interface IcebergRuntime {
  readonly version: string;
  readonly artifact: string;
  readonly url: string;
  readonly sha256: string;
}

/** Built for Spark 4.1; an Iceberg runtime only runs on the Spark minor it was built for. */
export const ICEBERG_RUNTIME: IcebergRuntime & { readonly sparkMinor: string } = {
  sparkMinor: '4.1',
  version: '1.11.0',
  artifact: `iceberg-spark-runtime-4.1_${SCALA_BINARY}`,
  url:
    'https://repo.maven.apache.org/maven2/org/apache/iceberg/iceberg-spark-runtime-4.1_2.13/1.11.0/' +
    'iceberg-spark-runtime-4.1_2.13-1.11.0.jar',
  sha256: 'd6ea6c5d099288daeb7d5a92061bd3d7d8f296492632b42378e5f2f0e3066242',
};

/** The pinned Iceberg runtime when it fits that Spark's minor, else null (none is pinned for it). */
export function icebergRuntimeFor(sparkVersion: string): IcebergRuntime | null {
  return sparkVersion.startsWith(`${ICEBERG_RUNTIME.sparkMinor}.`) ? ICEBERG_RUNTIME : null;
}

/** The jar whose resources hold Spark Connect's .proto files. */
export function connectJar(version: string): string {
  return `spark-connect_${SCALA_BINARY}-${version}.jar`;
}
