package io.drls.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** FrameType and the framing of WireConnection against docs/wire-vectors.json. */
@Timeout(30)
class FrameVectorsTest {
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  /** FrameType's byte constants by name, read reflectively so a new constant cannot be missed. */
  private static Map<String, Byte> frameTypeConstants() throws IllegalAccessException {
    Map<String, Byte> out = new TreeMap<>();
    for (java.lang.reflect.Field f : FrameType.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == byte.class) out.put(f.getName(), f.getByte(null));
    }
    return out;
  }

  @Test
  void frameTypesAreTheVectorsOnesAndNoOthers() throws Exception {
    Map<String, Byte> vectors = new TreeMap<>();
    for (JsonNode t : WireVectors.root().path("frameTypes")) {
      vectors.put(t.path("name").asText(), (byte) t.path("value").asInt());
    }
    assertEquals(8, vectors.size());
    assertEquals(vectors, frameTypeConstants());
    for (Map.Entry<String, Byte> e : vectors.entrySet()) assertEquals(e.getKey(), FrameType.name(e.getValue()));
    assertEquals("0x7f", FrameType.name((byte) 0x7f));
  }

  @Test
  void headerSizeAndPayloadLimitAreTheVectorsOnes() {
    JsonNode header = WireVectors.root().path("header");
    assertEquals(5, header.path("headerBytes").asInt());
    assertEquals(header.path("maxPayloadBytes").asLong(), FrameType.MAX_PAYLOAD);
    assertEquals(1L << 30, FrameType.MAX_PAYLOAD);
  }

  @Test
  void everyVectorIsAWellFormedFrame() throws Exception {
    Map<String, Byte> types = new TreeMap<>();
    for (JsonNode t : WireVectors.root().path("frameTypes")) {
      types.put(t.path("name").asText(), (byte) t.path("value").asInt());
    }
    List<WireVectors.FrameVector> frames = WireVectors.frames();
    assertTrue(frames.size() >= 6);
    for (WireVectors.FrameVector f : frames) {
      assertEquals(types.get(f.type()), f.typeByte(), f.toString());
      assertEquals(f.bytes().length - 5, ByteBuffer.wrap(f.bytes(), 1, 4).getInt(), "big-endian length of " + f);
      byte[] p = f.payload();
      JsonNode decoded = p.length == 0 ? WireVectors.JSON.createObjectNode() : WireVectors.JSON.readTree(p);
      assertEquals(f.json(), decoded, f.toString());
    }
    // The vectors cover every control frame type (DATA has its own section).
    for (String name : List.of("HELLO", "END", "COMMIT", "ABORT", "REQUEST", "OK", "ERROR")) {
      assertTrue(frames.stream().anyMatch(f -> f.type().equals(name)), "a vector of " + name);
    }
  }

  /** Jackson's compact JSON, as WireConnection.sendJson writes it, is the vectors' payload byte for byte. */
  @Test
  void jacksonWritesTheVectorsPayloads() throws Exception {
    for (WireVectors.FrameVector f : WireVectors.frames()) {
      if (f.payload().length == 0) continue;
      Map<String, Object> body = WireVectors.JSON.convertValue(f.json(), MAP);
      assertEquals(new String(f.payload(), StandardCharsets.UTF_8),
          new String(WireVectors.JSON.writeValueAsBytes(body), StandardCharsets.UTF_8), f.toString());
    }
  }

  /** Every vector frame, sent through a real WireConnection, arrives as the vector's bytes. */
  @Test
  void wireConnectionEncodesEveryVector() throws Exception {
    byte[] helloOk = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();
    AtomicBoolean answered = new AtomicBoolean();
    // Only the connection's own HELLO is answered; the vectors sent after it are just recorded.
    try (FakeEndpoint node = new FakeEndpoint(r -> answered.getAndSet(true) ? null : helloOk)) {
      try (WireConnection c = WireConnection.open(node.options(true), "write", Map.of())) {
        node.next(); // HELLO
        for (WireVectors.FrameVector f : WireVectors.frames()) {
          c.send(f.typeByte(), f.payload());
          c.flush();
          assertEquals(WireVectors.hex(f.bytes()), WireVectors.hex(node.next().bytes()), "send: " + f);
          if (f.payload().length == 0) continue;
          c.sendJson(f.typeByte(), WireVectors.JSON.convertValue(f.json(), MAP));
          c.flush();
          assertEquals(WireVectors.hex(f.bytes()), WireVectors.hex(node.next().bytes()), "sendJson: " + f);
        }
      }
    }
  }

  /**
   * Every vector frame Node might send, read through WireConnection: same type, same payload,
   * same JSON (an empty payload reads as {}); ERROR becomes a DrlsRemoteException with its code.
   */
  @Test
  void wireConnectionDecodesEveryVector() throws Exception {
    byte[] helloOk = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();
    List<WireVectors.FrameVector> frames = WireVectors.frames();
    List<WireVectors.FrameVector> plain = frames.stream().filter(f -> !f.type().equals("ERROR")).toList();
    WireVectors.FrameVector error = frames.stream().filter(f -> f.type().equals("ERROR")).findFirst().orElseThrow();
    byte[][] replay = new byte[plain.size() + 1][];
    for (int i = 0; i < plain.size(); i++) replay[i] = plain.get(i).bytes();
    replay[plain.size()] = error.bytes();
    byte[] all = FakeEndpoint.frames(replay);
    try (FakeEndpoint node = new FakeEndpoint(r -> r.type() == FrameType.HELLO ? helloOk : all)) {
      try (WireConnection c = WireConnection.open(node.options(true), "source", Map.of())) {
        assertEquals(WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").json(), c.helloReply());
        c.sendJson(FrameType.REQUEST, Map.of("op", "latest"));
        c.flush();
        for (WireVectors.FrameVector f : plain) {
          if (f.type().equals("OK")) {
            assertEquals(f.json(), c.expectOk(), f.toString());
            continue;
          }
          Frame got = c.read();
          assertEquals(f.typeByte(), got.type(), f.toString());
          assertArrayEquals(f.payload(), got.payload(), f.toString());
          assertEquals(f.json(), c.parse(got.payload()), f.toString());
        }
        DrlsRemoteException e = assertThrows(DrlsRemoteException.class, c::read);
        assertEquals(error.json().path("code").asText(), e.code());
        assertTrue(e.getMessage().contains(error.json().path("message").asText()), e.getMessage());
      }
    }
  }

  @Test
  void expectOkRefusesAnyOtherFrame() throws Exception {
    byte[] helloOk = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();
    byte[] end = WireVectors.frame("END", "{\"batches\":1,\"rows\":3}").bytes();
    try (FakeEndpoint node = new FakeEndpoint(r -> r.type() == FrameType.HELLO ? helloOk : end)) {
      try (WireConnection c = WireConnection.open(node.options(true), "source", Map.of())) {
        c.sendJson(FrameType.REQUEST, Map.of("op", "latest"));
        c.flush();
        IOException e = assertThrows(IOException.class, c::expectOk);
        assertFalse(e instanceof DrlsRemoteException);
        assertTrue(e.getMessage().contains("expected OK, got END"), e.getMessage());
      }
    }
  }

  @Test
  void aLengthBeyondTheLimitIsRefusedBeforeReadingThePayload() throws Exception {
    byte[] helloOk = WireVectors.frame("OK", "{\"source\":false,\"sink\":true}").bytes();
    byte[] huge = ByteBuffer.allocate(5).put(FrameType.DATA).putInt(FrameType.MAX_PAYLOAD + 1).array();
    try (FakeEndpoint node = new FakeEndpoint(r -> r.type() == FrameType.HELLO ? helloOk : huge)) {
      try (WireConnection c = WireConnection.open(node.options(true), "source", Map.of())) {
        c.sendJson(FrameType.REQUEST, Map.of("op", "latest"));
        c.flush();
        IOException e = assertThrows(IOException.class, c::read);
        assertTrue(e.getMessage().contains("exceeds the protocol limit"), e.getMessage());
      }
    }
  }

  /** The DATA vector (written by Arrow JS) reads back with Arrow Java as its columns and maps to its Spark schema. */
  @Test
  void theDataVectorDecodesWithArrowJava() throws Exception {
    JsonNode data = WireVectors.root().path("data");
    byte[] ipc = WireVectors.hex(data.path("payloadHex").asText());
    assertEquals(data.path("continuationMarker").asText(), WireVectors.hex(Arrays.copyOf(ipc, 4)));
    Ipc.Decoded d = Ipc.decode(ipc);
    List<Field> fields = d.schema().getFields();
    assertEquals(data.path("fields").size(), fields.size());
    for (int i = 0; i < fields.size(); i++) {
      JsonNode want = data.path("fields").get(i);
      assertEquals(want.path("name").asText(), fields.get(i).getName());
      assertEquals(want.path("nullable").asBoolean(), fields.get(i).isNullable());
      assertEquals(want.path("arrowType").asText(), fields.get(i).getType().getTypeID().name() + bitWidth(fields.get(i)));
    }
    assertEquals(data.path("numRows").asInt(), d.rows().size());
    for (Map.Entry<String, JsonNode> col : data.path("columns").properties()) {
      List<Object> want = new ArrayList<>();
      for (JsonNode v : col.getValue()) want.add(v.isNull() ? null : v.isInt() ? (Object) v.asInt() : v.asText());
      assertEquals(want, d.column(col.getKey()), col.getKey());
    }
    assertEquals(data.path("sparkSchema").asText(), ArrowSchemas.toSpark(d.schema()).simpleString());
  }

  /** "Int32" for a 32-bit Int, "" for types without a width (Utf8). */
  private static String bitWidth(Field f) {
    return f.getType() instanceof ArrowType.Int i ? String.valueOf(i.getBitWidth()) : "";
  }
}
