package io.drls.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One TCP conversation with the Node endpoint: framing, JSON control payloads and the HELLO
 * handshake. Blocking I/O on purpose: when Node stops reading, {@link #send} blocks and the Spark
 * task waits, which is the backpressure the protocol relies on.
 */
final class WireConnection implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int PROTOCOL_VERSION = 1;

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final String label;
  private JsonNode helloReply;

  private WireConnection(Socket socket, String label) throws IOException {
    this.socket = socket;
    this.label = label;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
  }

  /** Connects and says HELLO with the given role; returns once Node has answered OK. */
  static WireConnection open(DrlsOptions o, String role, Map<String, Object> roleFields)
      throws IOException {
    Socket socket = new Socket();
    String label = "drls " + role + " connection to " + o.host() + ":" + o.port()
        + " (stream \"" + o.streamId() + "\")";
    try {
      socket.setTcpNoDelay(true);
      socket.setSendBufferSize(1 << 20);
      socket.setReceiveBufferSize(1 << 20);
      socket.connect(new InetSocketAddress(o.host(), o.port()), o.connectTimeoutMs());
    } catch (IOException e) {
      socket.close();
      throw new IOException("cannot open " + label + ": " + e.getMessage(), e);
    }
    WireConnection conn = new WireConnection(socket, label);
    try {
      Map<String, Object> hello = new LinkedHashMap<>();
      hello.put("version", PROTOCOL_VERSION);
      hello.put("role", role);
      hello.put("streamId", o.streamId());
      hello.put("secret", o.secret());
      hello.putAll(roleFields);
      conn.sendJson(FrameType.HELLO, hello);
      conn.flush();
      conn.helloReply = conn.expectOk();
      return conn;
    } catch (IOException | RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  void sendJson(byte type, Map<String, Object> body) throws IOException {
    send(type, JSON.writeValueAsBytes(body));
  }

  void send(byte type, byte[] payload) throws IOException {
    send(type, payload, 0, payload.length);
  }

  void send(byte type, byte[] payload, int offset, int length) throws IOException {
    out.writeByte(type);
    out.writeInt(length);
    out.write(payload, offset, length);
  }

  void flush() throws IOException {
    out.flush();
  }

  /** Reads the next frame; an ERROR frame is thrown as {@link DrlsRemoteException}. */
  Frame read() throws IOException {
    byte type;
    int length;
    try {
      type = in.readByte();
      length = in.readInt();
    } catch (EOFException e) {
      throw new IOException(label + " was closed by the endpoint", e);
    }
    if (length < 0 || length > FrameType.MAX_PAYLOAD) {
      throw new IOException(label + ": frame length " + Integer.toUnsignedString(length)
          + " exceeds the protocol limit");
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    if (type == FrameType.ERROR) {
      JsonNode err = parse(payload);
      throw new DrlsRemoteException(err.path("code").asText("DRLS_PROTOCOL_ERROR"),
          err.path("message").asText("(no message)") + " [" + label + "]");
    }
    return new Frame(type, payload);
  }

  /** Reads one frame that must be OK and returns its JSON body. */
  JsonNode expectOk() throws IOException {
    Frame f = read();
    if (f.type() != FrameType.OK) {
      throw new IOException(label + ": expected OK, got " + FrameType.name(f.type()));
    }
    return parse(f.payload());
  }

  JsonNode parse(byte[] payload) throws IOException {
    try {
      return payload.length == 0 ? JSON.createObjectNode() : JSON.readTree(payload);
    } catch (IOException e) {
      throw new IOException(label + ": endpoint sent JSON that does not parse", e);
    }
  }

  /** Node's OK to HELLO: {@code {"source": bool, "sink": bool}}, what the stream accepts. */
  JsonNode helloReply() {
    return helloReply;
  }

  String label() {
    return label;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
