package io.drls.spark;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A stand-in for a Node endpoint serving TLS on 127.0.0.1 with the given key store's key. It
 * answers HELLO with OK and records every frame; with {@code readAfterHello} false it stops
 * reading after the HELLO (a Node holding back), so the connector's writes block.
 */
final class FakeTlsEndpoint implements AutoCloseable {
  record Received(byte type, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private final SSLServerSocket server;
  private final boolean readAfterHello;
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  /** Handshakes the server side saw fail (the connector refusing the server ends its handshake too). */
  final List<Exception> handshakeFailures = new CopyOnWriteArrayList<>();
  private final CountDownLatch accepted = new CountDownLatch(1);
  private final CountDownLatch closing = new CountDownLatch(1);

  FakeTlsEndpoint(KeyStore keys, boolean readAfterHello) throws IOException, GeneralSecurityException {
    this.readAfterHello = readAfterHello;
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, TestCertificates.PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "fake-tls-endpoint-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** The next frame received; null when none came within {@code ms}. */
  Received next(long ms) throws InterruptedException {
    return received.poll(ms, TimeUnit.MILLISECONDS);
  }

  boolean acceptedWithin(long ms) throws InterruptedException {
    return accepted.await(ms, TimeUnit.MILLISECONDS);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        SSLSocket s = (SSLSocket) server.accept();
        sockets.add(s);
        accepted.countDown();
        Thread t = new Thread(() -> serve(s), "fake-tls-endpoint-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(SSLSocket socket) {
    try (socket) {
      socket.setSoTimeout(15_000);
      try {
        socket.startHandshake();
      } catch (IOException e) {
        handshakeFailures.add(e);
        return;
      }
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      OutputStream out = socket.getOutputStream();
      while (true) {
        byte[][] frame = FakeEndpoint.readFrame(in);
        if (frame == null) return;
        byte type = frame[0][0];
        received.add(new Received(type, frame[1]));
        if (type == FrameType.HELLO) {
          byte[] ok = "{\"source\":false,\"sink\":true}".getBytes(StandardCharsets.UTF_8);
          out.write(ByteBuffer.allocate(5 + ok.length).put(FrameType.OK).putInt(ok.length).put(ok).array());
          out.flush();
          if (!readAfterHello) {
            // Hold the connection without reading, as a Node applying backpressure does.
            closing.await();
            return;
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      // the connector closed or reset the connection, or the endpoint is closing
    }
  }

  @Override
  public void close() throws IOException {
    closing.countDown();
    server.close();
    for (Socket s : sockets) s.close();
  }
}
