package org.privmed.encode.format;

import java.io.IOException;

/** An encoded-dataset file that is truncated, corrupt, or inconsistent with its own header. */
public final class EncodedFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public EncodedFormatException(String message) {
    super(message);
  }

  public EncodedFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
