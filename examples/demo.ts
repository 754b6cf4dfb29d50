// The README's demo: a short run of examples/streaming-iceberg.ts on the embedded local
// Spark: a Spark stream into Node's worker threads, and the results back into an Iceberg
// table through Spark, checked at the end.
import { runStreamingIceberg } from './streaming-iceberg.js';

console.log('drls demo: Spark -> Node -> Spark, on an embedded local Spark 4.1.1');
const ok = await runStreamingIceberg({ microBatches: 4, rowsPerSecond: 100 });
console.log(ok ? 'demo complete' : 'demo FAILED: the totals do not match');
process.exit(ok ? 0 : 1);
