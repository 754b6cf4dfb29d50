package io.drls.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to the endpoint (options tls and tlsCa): the options' checks, and WireConnection against a
 * fake TLS endpoint whose certificate is made at test time: trusted and named, it talks; issued
 * by another CA or naming another host, it is refused, naming the address and the reason, before
 * the HELLO (and its secret) is sent. Nothing hangs.
 */
@Timeout(60)
class TlsConnectionTest {
  private static final String SECRET = "s3cret-never-printed";

  @TempDir
  static Path dir;
  private static String ca;
  private static String otherCa;
  private static KeyStore loopbackServer;
  private static KeyStore elsewhereServer;

  @BeforeAll
  static void makeCertificates() throws IOException {
    TestCertificates certs = new TestCertificates(dir);
    ca = certs.ca("drls-test-ca");
    otherCa = certs.ca("drls-other-ca");
    loopbackServer = certs.server("drls-test-ca", "loopback", "ip:127.0.0.1");
    elsewhereServer = certs.server("drls-test-ca", "elsewhere", "dns:elsewhere.example");
  }

  private static Map<String, String> baseOptions(int port) {
    Map<String, String> m = new HashMap<>();
    m.put("host", "127.0.0.1");
    m.put("port", String.valueOf(port));
    m.put("streamId", "tls-stream");
    m.put("secret", SECRET);
    return m;
  }

  private static DrlsOptions tlsOptions(int port, String caPem, int connectTimeoutMs) {
    Map<String, String> m = baseOptions(port);
    m.put("tls", "true");
    m.put("tlsCa", caPem);
    m.put("connectTimeoutMs", String.valueOf(connectTimeoutMs));
    return DrlsOptions.parse(new CaseInsensitiveStringMap(m));
  }

  private static IllegalArgumentException refused(Map<String, String> m) {
    return assertThrows(IllegalArgumentException.class, () -> DrlsOptions.parse(new CaseInsensitiveStringMap(m)));
  }

  @Test
  void tlsOptionsAreParsedAndChecked() {
    DrlsOptions plain = DrlsOptions.parse(new CaseInsensitiveStringMap(baseOptions(9)));
    assertFalse(plain.tls());
    assertNull(plain.tlsCa());

    DrlsOptions tls = tlsOptions(9, ca, 1000);
    assertTrue(tls.tls());
    assertEquals(ca, tls.tlsCa());
    String shown = tls.toString();
    assertTrue(shown.contains("tls=true"), shown);
    assertFalse(shown.contains(SECRET), "no secret in toString: " + shown);
    assertFalse(shown.contains("BEGIN CERTIFICATE") || shown.contains(ca.substring(40, 80)), "no CA in toString: " + shown);

    Map<String, String> noCa = baseOptions(9);
    noCa.put("tls", "true");
    assertTrue(refused(noCa).getMessage().contains("\"tlsCa\" is missing"));

    Map<String, String> caOnly = baseOptions(9);
    caOnly.put("tlsCa", ca);
    assertTrue(refused(caOnly).getMessage().contains("option \"tls\" is not true"));

    Map<String, String> notBoolean = baseOptions(9);
    notBoolean.put("tls", "yes");
    assertTrue(refused(notBoolean).getMessage().contains("option \"tls\" must be true or false"));

    Map<String, String> notPem = baseOptions(9);
    notPem.put("tls", "true");
    notPem.put("tlsCa", "not-a-certificate-but-a-leaked-value");
    String message = refused(notPem).getMessage();
    assertTrue(message.contains("option \"tlsCa\""), message);
    assertFalse(message.contains("leaked-value"), "the value is not quoted: " + message);

    Map<String, String> brokenPem = baseOptions(9);
    brokenPem.put("tls", "true");
    brokenPem.put("tlsCa", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertTrue(refused(brokenPem).getMessage().contains("option \"tlsCa\" holds no usable PEM certificate"));
  }

  @Test
  void aTrustedEndpointNamingTheHostGetsTheHello() throws Exception {
    try (FakeTlsEndpoint node = new FakeTlsEndpoint(loopbackServer, true);
        WireConnection c = WireConnection.open(tlsOptions(node.port(), ca, 5000), "probe", Map.of())) {
      assertTrue(c.helloReply().path("sink").asBoolean(false));
      FakeTlsEndpoint.Received hello = node.next(10_000);
      assertEquals(FrameType.HELLO, hello.type());
      assertTrue(hello.text().contains("\"secret\":\"" + SECRET + "\""), hello.text());
    }
  }

  @Test
  void framesOfEveryShapeArriveWholeOverTls() throws Exception {
    // Headers, small frames, a heap array larger than the staging buffer, and an off-heap buffer
    // (Arrow's memory) copied through it: the same bytes must arrive.
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 + 7);
    ByteBuffer direct = ByteBuffer.allocateDirect(200_001);
    for (int i = 0; i < direct.capacity(); i++) direct.put((byte) (i % 251));
    direct.flip();
    try (FakeTlsEndpoint node = new FakeTlsEndpoint(loopbackServer, true);
        WireConnection c = WireConnection.open(tlsOptions(node.port(), ca, 5000), "write", Map.of())) {
      assertEquals(FrameType.HELLO, node.next(10_000).type());
      c.sendJson(FrameType.REQUEST, Map.of("op", "small"));
      c.send(FrameType.DATA, big);
      WritableByteChannel data = c.beginData(direct.remaining());
      data.write(direct.duplicate());
      c.flush();
      assertEquals("{\"op\":\"small\"}", node.next(10_000).text());
      assertEquals(ByteBuffer.wrap(big), ByteBuffer.wrap(node.next(10_000).payload()));
      assertEquals(direct, ByteBuffer.wrap(node.next(10_000).payload()));
    }
  }

  @Test
  void anEndpointIssuedByAnotherCaIsRefusedBeforeTheSecretIsSent() throws Exception {
    try (FakeTlsEndpoint node = new FakeTlsEndpoint(loopbackServer, true)) {
      IOException e = assertThrows(IOException.class,
          () -> WireConnection.open(tlsOptions(node.port(), otherCa, 5000), "probe", Map.of()));
      String m = e.getMessage();
      assertTrue(m.contains("127.0.0.1:" + node.port()), m);
      assertTrue(m.contains("TLS verification failed: the endpoint's certificate is not trusted"), m);
      assertTrue(m.contains("\"tlsCa\""), m);
      assertFalse(m.contains(SECRET), m);
      assertNull(node.next(500), "no frame, so no secret, reached an endpoint that failed verification");
    }
  }

  @Test
  void anEndpointWhoseCertificateNamesAnotherHostIsRefused() throws Exception {
    try (FakeTlsEndpoint node = new FakeTlsEndpoint(elsewhereServer, true)) {
      IOException e = assertThrows(IOException.class,
          () -> WireConnection.open(tlsOptions(node.port(), ca, 5000), "probe", Map.of()));
      String m = e.getMessage();
      assertTrue(m.contains("127.0.0.1:" + node.port()), m);
      assertTrue(m.contains("TLS verification failed: host name mismatch"), m);
      assertTrue(m.contains("does not name \"127.0.0.1\""), m);
      assertNull(node.next(500), "no frame reached the endpoint");
    }
  }

  @Test
  void anEndpointThatNeverAnswersTheHandshakeFailsWithinTheConnectTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      IOException e = assertThrows(IOException.class,
          () -> WireConnection.open(tlsOptions(silent.getLocalPort(), ca, 300), "probe", Map.of()));
      assertTrue(e.getMessage().contains("no TLS handshake within 300 ms"), e.getMessage());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "gave up in time");
    }
  }

  @Test
  void closingUnblocksAWriteHeldByBackpressure() throws Exception {
    // TaskInterruptWatch closes a task's connection from another thread to end a blocked write.
    try (FakeTlsEndpoint node = new FakeTlsEndpoint(loopbackServer, false)) {
      WireConnection c = WireConnection.open(tlsOptions(node.port(), ca, 5000), "write", Map.of());
      byte[] chunk = new byte[1 << 20];
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < 1024; i++) c.send(FrameType.DATA, chunk); // far more than the socket buffers hold
          ended.complete(null);
        } catch (IOException e) {
          ended.complete(e);
        }
      }, "tls-writer");
      writer.setDaemon(true);
      writer.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!blockedInSocketWrite(writer)) {
        assertTrue(System.nanoTime() < deadline, "the writer blocked on the socket");
        assertFalse(ended.isDone(), "the writer cannot finish: nobody reads");
        LockSupport.parkNanos(1_000_000); // polls the writer's state; nothing to await on
      }
      c.close();
      Throwable failure = ended.get(10, TimeUnit.SECONDS);
      assertTrue(failure instanceof IOException, "the blocked write failed once closed: " + failure);
    }
  }

  /** The thread waits inside a socket write for the peer to read (how JDK 17's sockets block). */
  private static boolean blockedInSocketWrite(Thread t) {
    boolean inWrite = false;
    boolean parked = false;
    for (StackTraceElement f : t.getStackTrace()) {
      if (f.getMethodName().contains("write") || f.getMethodName().contains("Write")) inWrite = true;
      if (f.getClassName().endsWith("NioSocketImpl") && f.getMethodName().equals("park")) parked = true;
    }
    return inWrite && parked;
  }
}
