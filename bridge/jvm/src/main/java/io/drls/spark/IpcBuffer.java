package io.drls.spark;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** A reusable byte buffer that lends its contents without the copy {@code toByteArray} makes. */
final class IpcBuffer extends ByteArrayOutputStream {
  IpcBuffer(int initial) {
    super(initial);
  }

  byte[] array() {
    return buf;
  }

  int length() {
    return count;
  }

  byte[] copy() {
    return Arrays.copyOf(buf, count);
  }
}
