package io.drls.spark;

import java.io.IOException;

/** The Node endpoint answered ERROR; {@link #code()} is its stable DRLS_* code. */
final class DrlsRemoteException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String code;

  DrlsRemoteException(String code, String message) {
    super("drls endpoint refused: " + code + ": " + message);
    this.code = code;
  }

  String code() {
    return code;
  }
}
