package io.drls.spark;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One TCP conversation with the Node endpoint: framing, JSON control payloads and the HELLO
 * handshake, in plain TCP or over TLS (option {@code tls}, see {@link TlsConnector}). Blocking I/O
 * on purpose: when Node stops reading, {@link #send} blocks and the Spark task waits, which is the
 * backpressure the protocol relies on.
 */
final class WireConnection implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int PROTOCOL_VERSION = 1;

  /** Where frames are written: {@link FrameOutput} on a plain connection, {@link StreamFrameOutput} over TLS. */
  interface Output extends WritableByteChannel {
    void writeHeader(byte type, int length) throws IOException;

    void write(byte[] bytes, int offset, int length) throws IOException;

    void flush() throws IOException;
  }

  /** What {@link #close} closes: the TCP connection itself, so a write blocked in it fails at once. */
  private final Closeable transport;
  private final DataInputStream in;
  private final Output out;
  private final String label;
  private JsonNode helloReply;

  private WireConnection(Closeable transport, InputStream input, Output out, String label) {
    this.transport = transport;
    this.label = label;
    this.in = new DataInputStream(new BufferedInputStream(input, 1 << 16));
    this.out = out;
  }

  /** Connects and says HELLO with the given role; returns once Node has answered OK. */
  static WireConnection open(DrlsOptions o, String role, Map<String, Object> roleFields)
      throws IOException {
    String label = "drls " + role + " connection to " + o.host() + ":" + o.port()
        + " (stream \"" + o.streamId() + "\")";
    WireConnection conn = o.tls() ? openTls(o, label) : openPlain(o, label);
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

  private static WireConnection openPlain(DrlsOptions o, String label) throws IOException {
    // A blocking SocketChannel, not a plain Socket: Arrow's off-heap buffers are written to it
    // directly (see FrameOutput), where a Socket's stream would copy them onto the heap first.
    SocketChannel channel = SocketChannel.open();
    try {
      connect(channel.socket(), o);
      FrameOutput frames = new FrameOutput(channel);
      return new WireConnection(channel, channel.socket().getInputStream(), plain(frames), label);
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot open " + label + ": " + e.getMessage(), e);
    }
  }

  private static WireConnection openTls(DrlsOptions o, String label) throws IOException {
    Socket raw = new Socket();
    try {
      connect(raw, o);
    } catch (IOException e) {
      raw.close();
      throw new IOException("cannot open " + label + ": " + e.getMessage(), e);
    }
    SSLSocket ssl = TlsConnector.handshake(raw, o, label);
    try {
      // close() closes the TCP socket under TLS, without a close_notify: sending one could block
      // behind a write that backpressure holds, and the frames say where the conversation ends.
      return new WireConnection(raw, ssl.getInputStream(), new StreamFrameOutput(ssl.getOutputStream(), raw), label);
    } catch (IOException e) {
      raw.close();
      throw new IOException("cannot open " + label + ": " + e.getMessage(), e);
    }
  }

  private static void connect(Socket socket, DrlsOptions o) throws IOException {
    socket.setTcpNoDelay(true);
    socket.setSendBufferSize(1 << 20);
    socket.setReceiveBufferSize(1 << 20);
    socket.connect(new InetSocketAddress(o.host(), o.port()), o.connectTimeoutMs());
  }

  /** FrameOutput as an {@link Output}. */
  private static Output plain(FrameOutput frames) {
    return new Output() {
      @Override
      public void writeHeader(byte type, int length) throws IOException {
        frames.writeHeader(type, length);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        frames.write(bytes, offset, length);
      }

      @Override
      public int write(ByteBuffer src) throws IOException {
        return frames.write(src);
      }

      @Override
      public void flush() throws IOException {
        frames.flush();
      }

      @Override
      public boolean isOpen() {
        return frames.isOpen();
      }

      @Override
      public void close() {
        frames.close();
      }
    };
  }

  void sendJson(byte type, Map<String, Object> body) throws IOException {
    send(type, JSON.writeValueAsBytes(body));
  }

  void send(byte type, byte[] payload) throws IOException {
    send(type, payload, 0, payload.length);
  }

  void send(byte type, byte[] payload, int offset, int length) throws IOException {
    out.writeHeader(type, length);
    out.write(payload, offset, length);
  }

  /** Starts a DATA frame of {@code length} bytes; its payload is then written to the returned channel. */
  WritableByteChannel beginData(int length) throws IOException {
    out.writeHeader(FrameType.DATA, length);
    return out;
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
    try {
      in.readFully(payload);
    } catch (EOFException e) {
      throw new IOException(label + " was closed by the endpoint in the middle of a "
          + FrameType.name(type) + " frame", e);
    }
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
    transport.close();
  }
}
