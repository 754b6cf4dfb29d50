package io.drls.spark;

/** One received frame: its type byte and its payload. */
record Frame(byte type, byte[] payload) {}
