package io.drls.spark;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stand-in for the Node endpoint on 127.0.0.1: it records every frame a connection sends,
 * byte for byte as it arrived, and answers each with whatever bytes the test's responder gives
 * (usually frames of docs/wire-vectors.json). Each connection is served on its own thread.
 */
final class FakeEndpoint implements AutoCloseable {
  /** One received frame: which connection (0, 1, ... in accept order), its header as read, its payload. */
  record Received(int connection, byte[] header, byte[] payload) {
    byte type() {
      return header[0];
    }

    /** The whole frame as it came off the socket. */
    byte[] bytes() {
      return ByteBuffer.allocate(header.length + payload.length).put(header).put(payload).array();
    }

    JsonNode json() {
      try {
        return payload.length == 0 ? WireVectors.JSON.createObjectNode() : WireVectors.JSON.readTree(payload);
      } catch (IOException e) {
        throw new AssertionError("frame " + FrameType.name(type()) + " is not JSON", e);
      }
    }

    @Override
    public String toString() {
      return "connection " + connection + ": " + FrameType.name(type()) + " (" + payload.length + " bytes)";
    }
  }

  /** What to answer to a frame: bytes of zero or more whole frames, or null for nothing. */
  @FunctionalInterface
  interface Responder {
    byte[] reply(Received frame) throws IOException;
  }

  /** Thrown by a responder: write {@code last}, then close the connection (Node going away mid-conversation). */
  static final class HangUp extends IOException {
    final byte[] last;

    HangUp(byte[] last) {
      super("the fake endpoint hangs up");
      this.last = last;
    }
  }

  private final ServerSocket server;
  private final Responder responder;
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final Set<Integer> closedByConnector = ConcurrentHashMap.newKeySet();

  FakeEndpoint(Responder responder) throws IOException {
    this.responder = responder;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "fake-endpoint-accept");
    acceptor.setDaemon(true);
    threads.add(acceptor);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connector options pointing here, with the vectors' stream id and secret. */
  DrlsOptions options(boolean useJvmSink) {
    return new DrlsOptions("127.0.0.1", port(), WireVectors.streamId(), WireVectors.secret(), useJvmSink,
        DrlsOptions.DEFAULT_MAX_ROWS, DrlsOptions.DEFAULT_MAX_BYTES, 0, 5_000);
  }

  /** The next frame any connection sent; fails after 10 s. */
  Received next() throws InterruptedException {
    Received r = received.poll(10, TimeUnit.SECONDS);
    if (r == null) throw new AssertionError("the connector sent no further frame within 10 s");
    if (!failures.isEmpty()) throw new AssertionError("the fake endpoint failed", failures.get(0));
    return r;
  }

  /** Waits up to 10 s for the connector to close its {@code connection}-th connection (0 the first). */
  void awaitClosedByConnector(int connection) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!closedByConnector.contains(connection)) {
      if (System.nanoTime() > deadline) throw new AssertionError("the connector kept connection " + connection + " open for 10 s");
      Thread.sleep(10);
    }
  }

  /** Frames received so far and not yet taken. */
  List<Received> drain() {
    List<Received> out = new ArrayList<>();
    received.drainTo(out);
    return out;
  }

  private void accept() {
    int index = 0;
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        s.setSoTimeout(15_000);
        sockets.add(s);
        int connection = index++;
        Thread t = new Thread(() -> serve(s, connection), "fake-endpoint-" + connection);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket, int connection) {
    try (socket) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      OutputStream out = socket.getOutputStream();
      while (true) {
        byte[][] frame = readFrame(in);
        if (frame == null) { // the connector closed the connection
          closedByConnector.add(connection);
          return;
        }
        Received r = new Received(connection, frame[0], frame[1]);
        received.add(r);
        byte[] reply;
        try {
          reply = responder.reply(r);
        } catch (HangUp h) {
          out.write(h.last);
          out.flush();
          return; // closes the socket
        }
        if (reply != null && reply.length > 0) {
          out.write(reply);
          out.flush();
        }
      }
    } catch (SocketTimeoutException e) {
      // The connector sent nothing for 15 s: not a close of its own.
    } catch (IOException e) {
      // The connector closed or reset the connection: the end of this conversation. What it
      // sent before is what the tests check.
      closedByConnector.add(connection);
    } catch (RuntimeException | Error e) {
      failures.add(e);
    }
  }

  /** The next frame as its 5-byte header and its payload; null when the peer closed between frames. */
  static byte[][] readFrame(DataInputStream in) throws IOException {
    byte[] header = new byte[5];
    try {
      in.readFully(header);
    } catch (EOFException e) {
      return null;
    }
    int length = ByteBuffer.wrap(header, 1, 4).getInt();
    if (length < 0 || length > FrameType.MAX_PAYLOAD) {
      throw new IllegalStateException("frame length " + Integer.toUnsignedString(length) + " out of range");
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new byte[][] {header, payload};
  }

  /** Concatenates whole frames into one reply. */
  static byte[] frames(byte[]... frames) {
    int n = 0;
    for (byte[] f : frames) n += f.length;
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] f : frames) b.put(f);
    return b.array();
  }

  /** A DATA frame carrying {@code payload}. */
  static byte[] dataFrame(byte[] payload) {
    return ByteBuffer.allocate(5 + payload.length).put(FrameType.DATA).putInt(payload.length).put(payload).array();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) s.close();
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!failures.isEmpty()) throw new AssertionError("the fake endpoint failed", failures.get(0));
  }
}
