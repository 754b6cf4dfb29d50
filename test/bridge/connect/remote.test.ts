import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRemote } from '../../../bridge/connect/index.js';
import { InvalidRemoteError } from '../../../index.js';

test('sc:// addresses parse into host, port and parameters', () => {
  const r = parseRemote('sc://spark.example:15010/;token=abc;user_id=me');
  assert.is(r.host, 'spark.example');
  assert.is(r.port, 15010);
  assert.equal(r.params, { token: 'abc', user_id: 'me' });
  assert.is(parseRemote('sc://localhost').port, 15002);
  assert.is(parseRemote('sc://[::1]:1234').host, '[::1]');
});

test('malformed addresses are typed errors naming the address', () => {
  for (const bad of ['localhost:15002', 'sc://', 'sc://host:port', 'sc://h:0', 'sc://h:1/;novalue']) {
    try {
      parseRemote(bad);
      assert.unreachable(bad);
    } catch (err) {
      assert.instance(err, InvalidRemoteError);
      assert.is((err as InvalidRemoteError).code, 'DRLS_INVALID_REMOTE');
      assert.ok((err as Error).message.includes(`"${bad}"`), (err as Error).message);
    }
  }
});

test.run();
