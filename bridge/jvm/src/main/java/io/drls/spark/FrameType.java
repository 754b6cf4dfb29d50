package io.drls.spark;

/** Frame type bytes of the drls wire protocol (docs/wire-protocol.md). */
final class FrameType {
  static final byte HELLO = 0x01;
  static final byte DATA = 0x02;
  static final byte END = 0x03;
  static final byte COMMIT = 0x04;
  static final byte ABORT = 0x05;
  static final byte REQUEST = 0x06;
  static final byte OK = 0x10;
  static final byte ERROR = 0x11;

  /** Largest payload either side accepts. */
  static final int MAX_PAYLOAD = 1 << 30;

  private FrameType() {}

  static String name(byte type) {
    return switch (type) {
      case HELLO -> "HELLO";
      case DATA -> "DATA";
      case END -> "END";
      case COMMIT -> "COMMIT";
      case ABORT -> "ABORT";
      case REQUEST -> "REQUEST";
      case OK -> "OK";
      case ERROR -> "ERROR";
      default -> String.format("0x%02x", type);
    };
  }
}
