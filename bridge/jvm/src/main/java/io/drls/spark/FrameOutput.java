package io.drls.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The write side of a connection: small writes (frame headers, JSON, Arrow's IPC metadata and
 * padding) collect in one direct buffer, and a large off-heap buffer (an Arrow vector's body)
 * goes out together with them in one gathering write, straight from Arrow's memory. Nothing is
 * copied onto the Java heap, and TCP_NODELAY does not turn every little write into a packet.
 */
final class FrameOutput implements WritableByteChannel {
  private static final int STAGING_BYTES = 64 * 1024;
  /** Writes at least this large skip the staging buffer. */
  private static final int DIRECT_BYTES = 16 * 1024;

  private final SocketChannel channel;
  private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES);
  private final ByteBuffer[] pair = new ByteBuffer[2];

  FrameOutput(SocketChannel channel) {
    this.channel = channel;
  }

  void writeHeader(byte type, int length) throws IOException {
    room(5);
    staging.put(type).putInt(length);
  }

  void write(byte[] bytes, int offset, int length) throws IOException {
    write(ByteBuffer.wrap(bytes, offset, length));
  }

  /** Takes all of {@code src}; a large direct buffer is written from where it is. */
  @Override
  public int write(ByteBuffer src) throws IOException {
    int n = src.remaining();
    if (n >= DIRECT_BYTES && src.isDirect()) {
      staging.flip();
      pair[0] = staging;
      pair[1] = src;
      try {
        while (src.hasRemaining()) channel.write(pair);
      } finally {
        pair[1] = null;
        staging.clear();
      }
      return n;
    }
    while (src.hasRemaining()) {
      if (!staging.hasRemaining()) flush();
      int take = Math.min(src.remaining(), staging.remaining());
      int limit = src.limit();
      src.limit(src.position() + take);
      staging.put(src);
      src.limit(limit);
    }
    return n;
  }

  /** Sends everything staged. */
  void flush() throws IOException {
    staging.flip();
    try {
      while (staging.hasRemaining()) channel.write(staging);
    } finally {
      staging.clear();
    }
  }

  private void room(int n) throws IOException {
    if (staging.remaining() < n) flush();
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  /** Arrow's writers close their channel when done; the connection outlives them. */
  @Override
  public void close() {}
}
