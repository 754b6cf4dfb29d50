import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stderrSetupLog } from '../../../bridge/spark/setup-log.js';

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

test('on a terminal, a download redraws one progress line between the stage lines', () => {
  const out = stream(true);
  const log = stderrSetupLog(out);
  log('fetching pyspark-4.1.1.tar.gz (about 455 MB)');
  log('  pyspark-4.1.1.tar.gz: 5% (23 of 455 MB)', 'progress');
  log('  pyspark-4.1.1.tar.gz: 10% (46 of 455 MB)', 'progress');
  log('Spark 4.1.1 is ready');
  assert.is(
    out.text,
    '[drls] fetching pyspark-4.1.1.tar.gz (about 455 MB)\n' +
      '\r\x1b[K[drls]   pyspark-4.1.1.tar.gz: 5% (23 of 455 MB)' +
      '\r\x1b[K[drls]   pyspark-4.1.1.tar.gz: 10% (46 of 455 MB)' +
      '\r\x1b[K[drls] Spark 4.1.1 is ready\n',
  );
});

test('elsewhere (CI, a log file), a line per stage and no progress lines', () => {
  const out = stream(false);
  const log = stderrSetupLog(out);
  log('fetching pyspark-4.1.1.tar.gz (about 455 MB)');
  log('  pyspark-4.1.1.tar.gz: 5% (23 of 455 MB)', 'progress');
  log('Spark 4.1.1 is ready');
  assert.is(out.text, '[drls] fetching pyspark-4.1.1.tar.gz (about 455 MB)\n[drls] Spark 4.1.1 is ready\n');
});

test.run();
