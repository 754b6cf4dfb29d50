package io.drls.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * docs/wire-vectors.json, the protocol's test vectors shared with the TypeScript tests. Maven
 * passes its path as the system property {@code drls.wireVectors} (see pom.xml); run from
 * bridge/jvm without it, the repository path is used.
 */
final class WireVectors {
  static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode root;

  private WireVectors() {}

  static synchronized JsonNode root() {
    if (root == null) {
      Path path = Path.of(System.getProperty("drls.wireVectors", "../../docs/wire-vectors.json"));
      try {
        root = JSON.readTree(Files.readAllBytes(path));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the wire test vectors at " + path.toAbsolutePath(), e);
      }
    }
    return root;
  }

  /** One whole frame of the vectors: its type name, its bytes (header included) and its JSON body. */
  record FrameVector(String description, String direction, String type, byte[] bytes, JsonNode json,
      boolean keyOrderFree) {
    byte typeByte() {
      return bytes[0];
    }

    byte[] payload() {
      return Arrays.copyOfRange(bytes, 5, bytes.length);
    }

    @Override
    public String toString() {
      return type + ": " + description;
    }
  }

  static List<FrameVector> frames() {
    List<FrameVector> out = new ArrayList<>();
    for (JsonNode f : root().path("frames")) {
      out.add(new FrameVector(f.path("description").asText(), f.path("direction").asText(), f.path("type").asText(),
          hex(f.path("hex").asText()), f.path("json"), f.path("keyOrderFree").asBoolean(false)));
    }
    return out;
  }

  /** The first frame vector of {@code type} whose JSON body has {@code key} = {@code value}. */
  static FrameVector frame(String type, String key, String value) {
    for (FrameVector f : frames()) {
      if (f.type().equals(type) && f.json().path(key).asText("\u0000").equals(value)) return f;
    }
    throw new AssertionError("no " + type + " vector with " + key + " = " + value + " in docs/wire-vectors.json");
  }

  /** The first frame vector of {@code type} whose JSON body equals {@code json}. */
  static FrameVector frame(String type, String json) {
    try {
      JsonNode want = JSON.readTree(json);
      for (FrameVector f : frames()) {
        if (f.type().equals(type) && f.json().equals(want)) return f;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("no " + type + " vector with body " + json + " in docs/wire-vectors.json");
  }

  static String streamId() {
    return root().path("connection").path("streamId").asText();
  }

  static String secret() {
    return root().path("connection").path("secret").asText();
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
