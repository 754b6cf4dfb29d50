import type { ConnectClient } from './client.js';
import { optionString, requireName, type OptionValue } from './option-values.js';

/** `session.conf`: Spark's runtime configuration of this session. */
export class RuntimeConfig {
  readonly #client: ConnectClient;

  private constructor(client: ConnectClient) {
    this.#client = client;
  }

  /** @internal Made by the library only. */
  static create(client: ConnectClient): RuntimeConfig {
    return new RuntimeConfig(client);
  }

  /** The value of `key`, else `defaultValue`, else undefined when unset. */
  async get(key: string, defaultValue?: string): Promise<string | undefined> {
    requireName('conf.get', 'key', key);
    const res =
      defaultValue === undefined
        ? await this.#client.config({ getOption: { keys: [key] } })
        : await this.#client.config({ getWithDefault: { pairs: [{ key, value: defaultValue }] } });
    return res.pairs[0]?.value ?? undefined;
  }

  async set(key: string, value: OptionValue): Promise<void> {
    await this.#client.config({ set: { pairs: [{ key, value: optionString('conf.set', key, value) }] } });
  }

  async unset(key: string): Promise<void> {
    await this.#client.config({ unset: { keys: [requireName('conf.unset', 'key', key)] } });
  }

  async getAll(prefix?: string): Promise<Record<string, string>> {
    const res = await this.#client.config({ getAll: prefix === undefined ? {} : { prefix } });
    return Object.fromEntries(res.pairs.map((p) => [p.key, p.value ?? '']));
  }
}
