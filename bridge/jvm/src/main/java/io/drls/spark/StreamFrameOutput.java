package io.drls.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * The write side of a TLS connection: frames written to the TLS socket's stream through one heap
 * buffer. TLS encrypts from heap arrays, so Arrow's off-heap buffers are copied once here (the
 * plain path, {@link FrameOutput}, writes them straight to the socket); 64 KiB at a time keeps
 * the TLS records full and the writes few.
 */
final class StreamFrameOutput implements WireConnection.Output {
  private static final int STAGING_BYTES = 64 * 1024;

  private final OutputStream out;
  private final Socket socket;
  private final byte[] staging = new byte[STAGING_BYTES];
  private int used;

  StreamFrameOutput(OutputStream out, Socket socket) {
    this.out = out;
    this.socket = socket;
  }

  @Override
  public void writeHeader(byte type, int length) throws IOException {
    if (STAGING_BYTES - used < 5) drain();
    staging[used] = type;
    staging[used + 1] = (byte) (length >>> 24);
    staging[used + 2] = (byte) (length >>> 16);
    staging[used + 3] = (byte) (length >>> 8);
    staging[used + 4] = (byte) length;
    used += 5;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (length >= STAGING_BYTES) {
      drain();
      out.write(bytes, offset, length);
      return;
    }
    write(ByteBuffer.wrap(bytes, offset, length));
  }

  /** Takes all of {@code src}, heap or direct. */
  @Override
  public int write(ByteBuffer src) throws IOException {
    int n = src.remaining();
    while (src.hasRemaining()) {
      if (used == STAGING_BYTES) drain();
      int take = Math.min(src.remaining(), STAGING_BYTES - used);
      src.get(staging, used, take);
      used += take;
    }
    return n;
  }

  @Override
  public void flush() throws IOException {
    drain();
    out.flush();
  }

  private void drain() throws IOException {
    if (used == 0) return;
    out.write(staging, 0, used);
    used = 0;
  }

  @Override
  public boolean isOpen() {
    return !socket.isClosed();
  }

  /** Arrow's writers close their channel when done; the connection outlives them. */
  @Override
  public void close() {}
}
