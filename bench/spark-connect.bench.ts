// Spark Connect benchmark: start-to-ready time of the local server, and collecting 10 million
// rows of (long, double, string) into Arrow in Node (rows/s, MB/s, peak RSS).
import type { Data, Table } from 'apache-arrow';
import { initSpark, localServer, stopSpark } from '../bridge/spark/index.js';

const ROWS = 10_000_000;

interface Row {
  case: string;
  rows: number;
  seconds: number;
  'rows/s': string;
  MB: string;
  'MB/s': string;
  'RSS MB': string;
}

export async function run(): Promise<void> {
  const startedHere = localServer() === null;
  const t0 = performance.now();
  // 3g, as the bridge bench: each of the two tasks returns a ~150 MB result, and fetching both
  // through the block manager once ran the default 2g heap out of memory (TaskResultLost).
  const spark = await initSpark({ appName: 'drls-bench', driverMemory: '3g' });
  const readyMs = performance.now() - t0;
  const server = localServer();
  try {
    const query = spark
      .range(ROWS)
      .selectExpr('id AS l', 'CAST(id AS DOUBLE) * 0.5 AS d', "concat('row-', CAST(id AS STRING)) AS s");
    // Warm the JVM's code paths with one whole pass of the same query, so the figures describe
    // steady state (with a smaller, different warm-up the first case measured ran 34% slower
    // than the second in one run; with this one, 15%).
    for await (const batch of query.toArrowBatches()) void batch;
    const rss0 = process.memoryUsage().rss;

    // Batch by batch, nothing kept: memory stays flat whatever the result size.
    let s = performance.now();
    let streamedRows = 0;
    let streamedBytes = 0;
    let streamPeak = 0;
    for await (const batch of query.toArrowBatches()) {
      streamedRows += batch.numRows;
      streamedBytes += batch.data.children.reduce((n, d) => n + dataBytes(d), 0);
      streamPeak = Math.max(streamPeak, process.memoryUsage().rss);
    }
    const streamSecs = (performance.now() - s) / 1000;

    global.gc?.();
    s = performance.now();
    let table: Table | null = await query.collect();
    const collectSecs = (performance.now() - s) / 1000;
    const collectPeak = Math.max(process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    const collectBytes = tableBytes(table);
    const collectRows = table.numRows;
    table = null;

    const rows: Row[] = [
      row('toArrowBatches (streamed, not kept)', streamedRows, streamSecs, streamedBytes, streamPeak),
      row('collect() into one Table', collectRows, collectSecs, collectBytes, collectPeak),
    ];
    console.log(`\nSpark Connect (Spark ${spark.version}, ${ROWS.toLocaleString('en-US')} rows of (long, double, string))`);
    console.log(`  local server start-to-ready: ${(readyMs / 1000).toFixed(1)} s (JVM port answering after ${((server?.startMs ?? 0) / 1000).toFixed(1)} s)`);
    console.log(`  Node RSS before the runs: ${(rss0 / 1e6).toFixed(0)} MB; peak RSS of the process: ${((process.resourceUsage().maxRSS * 1024) / 1e6).toFixed(0)} MB`);
    console.table(rows);
  } finally {
    if (startedHere) await stopSpark();
  }
}

function row(name: string, rows: number, seconds: number, bytes: number, rss: number): Row {
  return {
    case: name,
    rows,
    seconds: Number(seconds.toFixed(2)),
    'rows/s': Math.round(rows / seconds).toLocaleString('en-US'),
    MB: (bytes / 1e6).toFixed(0),
    'MB/s': (bytes / 1e6 / seconds).toFixed(0),
    'RSS MB': (rss / 1e6).toFixed(0),
  };
}

/** Bytes held by one column's buffers (Arrow JS has no byteLength on a Table). */
function dataBytes(d: Data): number {
  const own = [d.values, d.valueOffsets, d.nullBitmap, d.typeIds].reduce(
    (n: number, b: ArrayBufferView | undefined | null) => n + (b ? b.byteLength : 0),
    0,
  );
  return own + d.children.reduce((n, c) => n + dataBytes(c), 0);
}

function tableBytes(t: Table): number {
  return t.data.reduce((n, batch) => n + batch.children.reduce((m, d) => m + dataBytes(d), 0), 0);
}

// Run on its own: node --expose-gc --import tsx bench/spark-connect.bench.ts
if (import.meta.url === `file://${process.argv[1]}`) await run();
